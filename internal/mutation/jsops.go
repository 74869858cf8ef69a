package main

import (
	"strconv"
)

// maxBoundaryLiteral is the largest integer literal num-boundary moves by one: the limits,
// indices, counts and status codes where an off-by-one is a real bug. Larger literals are
// sizes and durations whose exact value no behaviour depends on.
const maxBoundaryLiteral = 1000

var swappedComparisons = map[string]string{
	"<": "<=", "<=": "<", ">": ">=", ">=": ">",
	"==": "!=", "!=": "==", "===": "!==", "!==": "===",
}

var swappedLogic = map[string]string{"&&": "||", "||": "&&"}

// statementKeywords begin statements that are not plain calls.
var statementKeywords = map[string]bool{
	"return": true, "throw": true, "new": true, "typeof": true, "await": true, "yield": true,
	"delete": true, "void": true, "var": true, "let": true, "const": true, "if": true,
	"for": true, "while": true, "do": true, "switch": true, "case": true, "default": true,
	"break": true, "continue": true, "function": true, "class": true, "try": true,
	"catch": true, "finally": true, "else": true, "in": true, "of": true, "instanceof": true,
	"import": true, "export": true, "debugger": true, "with": true, "async": true, "static": true,
	"get": true, "set": true,
}

// jsEdits finds every mutation of a JavaScript source.
func jsEdits(src string) ([]edit, error) {
	tokens, err := lexJS(src)
	if err != nil {
		return nil, err
	}
	closers := matchBrackets(tokens)
	var edits []edit
	for i, t := range tokens {
		prevText := ""
		if i > 0 {
			prevText = tokens[i-1].text
		}
		switch t.kind {
		case tokPunct:
			if swapped, ok := swappedComparisons[t.text]; ok {
				edits = append(edits, edit{opCmpSwap, t.start, t.end, swapped})
			}
			if swapped, ok := swappedLogic[t.text]; ok {
				edits = append(edits, edit{opLogicSwap, t.start, t.end, swapped})
			}
		case tokNumber:
			if n, err := strconv.Atoi(t.text); err == nil && n <= maxBoundaryLiteral {
				edits = append(edits, edit{opNumBoundary, t.start, t.end, strconv.Itoa(n + 1)})
			}
		case tokIdent:
			if prevText == "." || prevText == "?." {
				continue // a property name, not the keyword
			}
			switch t.text {
			case "true":
				edits = append(edits, edit{opFlipBool, t.start, t.end, "false"})
			case "false":
				edits = append(edits, edit{opFlipBool, t.start, t.end, "true"})
			case "if":
				if e, ok := negateIf(src, tokens, closers, i); ok {
					edits = append(edits, e)
				}
			case "return":
				if e, ok := removeReturnValue(tokens, closers, i); ok {
					edits = append(edits, e)
				}
			default:
				if e, ok := deleteCallStatement(tokens, closers, i); ok {
					edits = append(edits, e)
				}
			}
		}
	}
	return edits, nil
}

// matchBrackets maps the index of every opening bracket token to its closing one.
func matchBrackets(tokens []jsToken) map[int]int {
	closers := map[int]int{}
	var stack []int
	for i, t := range tokens {
		if t.kind != tokPunct {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			stack = append(stack, i)
		case ")", "]", "}":
			if len(stack) > 0 {
				closers[stack[len(stack)-1]] = i
				stack = stack[:len(stack)-1]
			}
		}
	}
	return closers
}

// negateIf wraps the condition of the if at tokens[i]: `if (c)` → `if (!(c))`.
func negateIf(src string, tokens []jsToken, closers map[int]int, i int) (edit, bool) {
	if i+1 >= len(tokens) || tokens[i+1].text != "(" {
		return edit{}, false
	}
	closer, ok := closers[i+1]
	if !ok || closer == i+2 {
		return edit{}, false
	}
	start, end := tokens[i+2].start, tokens[closer-1].end
	return edit{opNegateCond, start, end, "!(" + src[start:end] + ")"}, true
}

// removeReturnValue turns `return x;` into `return;`. The value ends at the `;` (or the
// closing brace) at its own bracket depth; a return on its own line already has no value.
func removeReturnValue(tokens []jsToken, closers map[int]int, i int) (edit, bool) {
	if i+1 >= len(tokens) || tokens[i+1].newlineBefore {
		return edit{}, false
	}
	switch tokens[i+1].text {
	case ";", "}":
		return edit{}, false
	}
	j := i + 1
	for j < len(tokens) {
		t := tokens[j]
		if t.kind == tokPunct {
			if closer, ok := closers[j]; ok {
				j = closer + 1
				continue
			}
			if t.text == ";" || t.text == "}" || t.text == ")" || t.text == "]" {
				break
			}
		}
		j++
	}
	if j >= len(tokens) {
		return edit{}, false
	}
	return edit{opRemoveReturn, tokens[i].end, tokens[j-1].end, ""}, true
}

// deleteCallStatement removes a statement that is nothing but a call, `a.b(c);` or
// `a(b).c(d);`, starting at tokens[i]. Only statements that begin after `;`, `{` or `}`
// qualify, so the body of a brace-less if or else is never emptied into the next statement.
func deleteCallStatement(tokens []jsToken, closers map[int]int, i int) (edit, bool) {
	if statementKeywords[tokens[i].text] {
		return edit{}, false
	}
	if i > 0 {
		switch tokens[i-1].text {
		case ";", "{", "}":
		default:
			return edit{}, false
		}
	}
	j := i + 1
	endsInCall := false
	for j < len(tokens) {
		t := tokens[j]
		switch {
		case t.text == "." || t.text == "?.":
			if j+1 >= len(tokens) || tokens[j+1].kind != tokIdent {
				return edit{}, false
			}
			j += 2
			endsInCall = false
		case t.text == "(" || t.text == "[":
			closer, ok := closers[j]
			if !ok {
				return edit{}, false
			}
			endsInCall = t.text == "("
			j = closer + 1
		case t.text == ";" && endsInCall:
			return edit{opDeleteCall, tokens[i].start, t.end, ""}, true
		default:
			return edit{}, false
		}
	}
	return edit{}, false
}
