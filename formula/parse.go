package formula

import (
	"fmt"
	"strings"
)

// maxNesting bounds the nesting of parentheses, function calls and unary
// operators in one formula (Excel allows 64 nested functions), so that
// neither the parser nor the evaluator recurses deeply.
const maxNesting = 200

type nodeKind int

const (
	nLit   nodeKind = iota // val
	nRef                   // ref
	nName                  // name: a defined name
	nCall                  // name, args
	nUnary                 // op, args[0]
	nChain                 // args[0] ops[0] args[1] ops[1] args[2] …, left to right
	nEmpty                 // an omitted argument: IF(A1,,1)
)

type node struct {
	kind nodeKind
	op   string
	val  Value
	ref  *refTok
	name string
	args []*node
	ops  []string
}

type parser struct {
	toks  []token
	pos   int
	depth int
}

// parse turns a formula into a tree.
func parse(formula string) (*node, int, error) {
	toks, err := lex(formula)
	if err != nil {
		return nil, 0, err
	}
	p := &parser{toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, 0, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, 0, fmt.Errorf("%w: unexpected %q", ErrSyntax, clip(formula[t.start:]))
	}
	return n, len(toks), nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isOp(ops ...string) (string, bool) {
	t := p.peek()
	if t.kind != tOp {
		return "", false
	}
	for _, o := range ops {
		if t.text == o {
			return o, true
		}
	}
	return "", false
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxNesting {
		return fmt.Errorf("%w: nested more than %d levels", ErrTooLarge, maxNesting)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// Precedence, lowest first: comparison, &, + -, * /, ^, %, unary - +.
var levels = [][]string{
	{"=", "<>", "<", "<=", ">", ">="},
	{"&"},
	{"+", "-"},
	{"*", "/"},
	{"^"},
}

func (p *parser) expr() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.binary(0)
}

func (p *parser) binary(level int) (*node, error) {
	if level == len(levels) {
		return p.postfix()
	}
	first, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	// A chain of operators of one level (A1+A2+…+A500) is one node, folded
	// left to right, so that a long chain is not a deep tree.
	var chain *node
	for {
		op, ok := p.isOp(levels[level]...)
		if !ok {
			break
		}
		p.next()
		right, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		if chain == nil {
			chain = &node{kind: nChain, args: []*node{first}}
		}
		chain.ops = append(chain.ops, op)
		chain.args = append(chain.args, right)
	}
	if chain == nil {
		return first, nil
	}
	return chain, nil
}

func (p *parser) postfix() (*node, error) {
	n, err := p.unary()
	if err != nil {
		return nil, err
	}
	for k := 0; ; k++ {
		if _, ok := p.isOp("%"); !ok {
			return n, nil
		}
		if k == maxNesting {
			return nil, fmt.Errorf("%w: more than %d '%%' in a row", ErrTooLarge, maxNesting)
		}
		p.next()
		n = &node{kind: nUnary, op: "%", args: []*node{n}}
	}
}

func (p *parser) unary() (*node, error) {
	if op, ok := p.isOp("-", "+"); ok {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		p.next()
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{kind: nUnary, op: op, args: []*node{n}}, nil
	}
	return p.primary()
}

func (p *parser) primary() (*node, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		d, ok := parseNumber(t.text)
		if !ok {
			return nil, fmt.Errorf("%w: bad number %q", ErrSyntax, clip(t.text))
		}
		return &node{kind: nLit, val: number(d)}, nil
	case tStr:
		return &node{kind: nLit, val: TextValue(t.text)}, nil
	case tBool:
		return &node{kind: nLit, val: BoolValue(t.text == "TRUE")}, nil
	case tErr:
		return &node{kind: nLit, val: ErrorValue(t.text)}, nil
	case tRef:
		return &node{kind: nRef, ref: t.ref}, nil
	case tName:
		return &node{kind: nName, name: t.text}, nil
	case tLParen:
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.next().kind != tRParen {
			return nil, fmt.Errorf("%w: missing ')'", ErrSyntax)
		}
		return n, nil
	case tFunc:
		return p.call(t.text)
	case tEOF:
		return nil, fmt.Errorf("%w: formula ends too early", ErrSyntax)
	}
	return nil, fmt.Errorf("%w: unexpected %q", ErrSyntax, t.text)
}

// call reads the arguments of a function; the name is already read.
func (p *parser) call(name string) (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next() // '('
	name = strings.ToUpper(name)
	name = strings.TrimPrefix(name, "_XLFN.")
	n := &node{kind: nCall, name: name}
	if p.peek().kind == tRParen {
		p.next()
		return n, nil
	}
	for {
		if k := p.peek().kind; k == tComma || k == tRParen {
			n.args = append(n.args, &node{kind: nEmpty})
		} else {
			a, err := p.expr()
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, a)
		}
		switch p.next().kind {
		case tComma:
			continue
		case tRParen:
			return n, nil
		default:
			return nil, fmt.Errorf("%w: expected ',' or ')' in %s(", ErrSyntax, clip(name))
		}
	}
}
