package tomlerr

import (
	"testing"

	"github.com/BurntSushi/toml"
)

func TestError(t *testing.T) {
	for _, c := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.toml", Line: 3, Col: 7, Key: "x.y", Msg: "bad"}, `a.toml:3:7: key "x.y": bad`},
		{Error{File: "a.toml", Line: 3, Msg: "bad"}, `a.toml:3: bad`},
		{Error{File: "--set", Col: 7, Key: "k", Msg: "bad"}, `--set: key "k": bad`},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
	}
}

func TestFromDecode(t *testing.T) {
	decode := func(text string) error {
		var v struct {
			N int  `toml:"n"`
			B bool `toml:"b"`
		}
		_, err := toml.Decode(text, &v)
		return FromDecode("f.toml", err)
	}
	for _, c := range []struct{ text, want string }{
		{"n = \"ten\"\n", `f.toml:1: key "n": want an integer, got a string`},
		{"\nb = 1\n", `f.toml:2: key "b": want true or false, got an integer`},
		{"[n\n", `f.toml:2:3: expected`},
	} {
		err := decode(c.text)
		if e, ok := err.(*Error); !ok || len(err.Error()) < len(c.want) || err.Error()[:len(c.want)] != c.want {
			t.Errorf("%q: %v (%T), want it to start with %q", c.text, err, e, c.want)
		}
	}
}

func TestKeyLine(t *testing.T) {
	data := []byte("a = 1\n[t]\nb = 2\nc = { d = 3 }\n[[list]]\ne = 4\n[u]\nx = { use = \"g\", args = { mu = 0.5 } }\ny = { use = \"g\", args = { sigma = -0.5, mu = 1.0 } }\n")
	for _, c := range []struct {
		key  toml.Key
		line int
	}{
		{toml.Key{"a"}, 1},
		{toml.Key{"t"}, 2},
		{toml.Key{"t", "b"}, 3},
		{toml.Key{"t", "c", "d"}, 4},
		{toml.Key{"list", "0", "e"}, 6},
		{toml.Key{"nowhere"}, 0},
		{toml.Key{"u", "y", "args", "mu"}, 9},
		{toml.Key{"u", "x", "args", "mu"}, 8},
		{toml.Key{"u", "y", "args", "sigma"}, 9},
	} {
		if got := KeyLine(data, c.key); got != c.line {
			t.Errorf("KeyLine(%v) = %d, want %d", c.key, got, c.line)
		}
	}
}
