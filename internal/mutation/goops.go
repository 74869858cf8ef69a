package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

var swappedGoOperators = map[token.Token]token.Token{
	token.LSS: token.LEQ, token.LEQ: token.LSS, token.GTR: token.GEQ, token.GEQ: token.GTR,
	token.EQL: token.NEQ, token.NEQ: token.EQL,
	token.LAND: token.LOR, token.LOR: token.LAND,
}

// goEdits finds every mutation of a Go source file from its syntax tree.
func goEdits(filename string, src []byte) ([]edit, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", filename, err)
	}
	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	var edits []edit
	arrayLengths := map[ast.Node]bool{} // [2]string: a type, not a value
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ArrayType:
			if n.Len != nil {
				arrayLengths[n.Len] = true
			}
		case *ast.GenDecl:
			// Import paths are not behaviour.
			return n.Tok != token.IMPORT
		case *ast.BinaryExpr:
			if swapped, ok := swappedGoOperators[n.Op]; ok {
				op := opCmpSwap
				if n.Op == token.LAND || n.Op == token.LOR {
					op = opLogicSwap
				}
				start := offset(n.OpPos)
				edits = append(edits, edit{op, start, start + len(n.Op.String()), swapped.String()})
			}
		case *ast.IfStmt:
			start, end := offset(n.Cond.Pos()), offset(n.Cond.End())
			edits = append(edits, edit{opNegateCond, start, end, "!(" + string(src[start:end]) + ")"})
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok && !isPanic(call) {
				edits = append(edits, edit{opDeleteCall, offset(n.Pos()), offset(n.End()), ""})
			}
		case *ast.Ident:
			switch n.Name {
			case "true":
				edits = append(edits, edit{opFlipBool, offset(n.Pos()), offset(n.End()), "false"})
			case "false":
				edits = append(edits, edit{opFlipBool, offset(n.Pos()), offset(n.End()), "true"})
			}
		case *ast.BasicLit:
			if n.Kind != token.INT || arrayLengths[n] {
				break
			}
			if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil && v <= maxBoundaryLiteral {
				edits = append(edits, edit{opNumBoundary, offset(n.Pos()), offset(n.End()), strconv.FormatInt(v+1, 10)})
			}
		case *ast.FuncDecl:
			if n.Body != nil {
				edits = append(edits, nilErrorReturns(n.Type, n.Body, offset)...)
			}
		case *ast.FuncLit:
			edits = append(edits, nilErrorReturns(n.Type, n.Body, offset)...)
		}
		return true
	})
	return edits, nil
}

// isPanic reports a call of the builtin panic: deleting it only trades a crash for a
// "missing return" compile error.
func isPanic(call *ast.CallExpr) bool {
	ident, ok := call.Fun.(*ast.Ident)
	return ok && ident.Name == "panic"
}

// nilErrorReturns replaces, in each return statement of one function (not of the function
// literals inside it), every error result that is not already nil with nil: the removed
// return value of Go, and the mutation that hides a failure from the caller.
func nilErrorReturns(fn *ast.FuncType, body *ast.BlockStmt, offset func(token.Pos) int) []edit {
	if fn.Results == nil {
		return nil
	}
	var isError []bool
	for _, field := range fn.Results.List {
		ident, ok := field.Type.(*ast.Ident)
		names := max(1, len(field.Names))
		for range names {
			isError = append(isError, ok && ident.Name == "error")
		}
	}
	var edits []edit
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) != len(isError) {
				return true // a bare return or a call returning several values
			}
			for i, result := range n.Results {
				if ident, ok := result.(*ast.Ident); isError[i] && !(ok && ident.Name == "nil") {
					edits = append(edits, edit{opRemoveReturn, offset(result.Pos()), offset(result.End()), "nil"})
				}
			}
		}
		return true
	})
	return edits
}
