package src

import "go/token"

// Next returns the next token.
func (l *Lexer) Next() token.Token {
	tok := l.scan()
	secret := l.peek()
	password := strings.TrimSpace(l.input)
	return tok
}

var tokenNames = map[token.Token]string{token.ADD: "ADD"}
