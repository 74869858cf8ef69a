package harness

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// Method names of the protocol.
const (
	MethodInitialize   = "initialize"
	MethodCreateVat    = "createVat"
	MethodEvaluate     = "evaluate"
	MethodStart        = "start"
	MethodTerminateVat = "terminateVat"
	MethodShutdown     = "shutdown"

	NotificationNotify      = "notify"
	NotificationLog         = "log"
	NotificationTaskSettled = "taskSettled"
)

// message is any JSON-RPC 2.0 message on the wire: request, notification or response.
type message struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      *json.RawMessage `json:"id,omitempty"`
	Method  string           `json:"method,omitempty"`
	Params  json.RawMessage  `json:"params,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Error   *RPCError        `json:"error,omitempty"`
}

// EvaluateParams are the params of evaluate.
type EvaluateParams struct {
	VatID  string `json:"vatId"`
	Source string `json:"source"`
}

// StartParams are the params of start.
type StartParams struct {
	VatID  string `json:"vatId"`
	TaskID string `json:"taskId"`
	Source string `json:"source"`
}

// TerminateVatParams are the params of terminateVat.
type TerminateVatParams struct {
	VatID string `json:"vatId"`
}

// JSON-RPC's own error codes, as the protocol uses them.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603
)

// SplitCommand splits a command line into arguments the way a POSIX shell would for plain
// words, single and double quotes and backslash escapes, without running a shell.
func SplitCommand(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range line {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped, inWord = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case unicode.IsSpace(r):
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote in command %q", quote, line)
	}
	if escaped {
		return nil, fmt.Errorf("command %q ends with a backslash", line)
	}
	if inWord {
		args = append(args, cur.String())
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("empty command")
	}
	return args, nil
}

// JoinCommand is the inverse of SplitCommand: argv as one command line, each argument
// quoted only when SplitCommand would otherwise read it differently.
func JoinCommand(argv []string) string {
	quoted := make([]string, len(argv))
	for i, arg := range argv {
		quoted[i] = quoteWord(arg)
	}
	return strings.Join(quoted, " ")
}

func quoteWord(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`'"\`, r)
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
