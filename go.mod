module github.com/statecraft/statecraft

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/apache/arrow/go/v15 v15.0.2 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/term v0.47.0 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)
