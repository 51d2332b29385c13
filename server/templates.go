package server

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
)

// pageFiles holds the HTML pages. They are parsed once, in New.
//
//go:embed templates/*.html
var pageFiles embed.FS

// stagesSource is the source of stages.go, so the tutor can show the Go
// handlers the server really runs.
//
//go:embed stages.go
var stagesSource string

// storageSource is the source of storage.go, for the same reason.
//
//go:embed storage.go
var storageSource string

// Pages parses the server's embedded HTML pages: index.html, user.html,
// user_session.html, missing.html and error.html. The baseline server uses
// them so that benchmarks compare like with like.
func Pages() (*template.Template, error) { return parsePages() }

func parsePages() (*template.Template, error) {
	t, err := template.ParseFS(pageFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("server: parse pages: %w", err)
	}
	return t, nil
}

// StageCode returns the Go source of the handlers that answer POST /users
// and GET /show in stage st, doc comments included, exactly as compiled.
func StageCode(st Stage) (string, error) {
	var funcs []string
	switch st {
	case StageHardcoded:
		funcs = []string{"createUserHardcoded", "showUserHardcoded"}
	case StageSession:
		funcs = []string{"createUserSession", "showUserSession"}
	case StageTemplate:
		funcs = []string{"createUserSession", "showUserTemplate"}
	case StageGrow:
		funcs = []string{"createUserGrow", "showUserGrow"}
	default:
		return "", fmt.Errorf("server: no code for stage %q", st)
	}
	return funcSource("stages.go", stagesSource, funcs)
}

// StorageCode returns the Go source of the function that builds the
// session store for storage st, doc comment included, exactly as compiled.
func StorageCode(st Storage) (string, error) {
	var funcs []string
	switch st {
	case StorageSigned:
		funcs = []string{"newSignedStore"}
	case StorageEncrypted:
		funcs = []string{"newEncryptedStore"}
	case StorageServer:
		funcs = []string{"newServerStore"}
	default:
		return "", fmt.Errorf("server: no code for storage %q", st)
	}
	return funcSource("storage.go", storageSource, funcs)
}

// funcSource returns the named functions of a Go file, with their doc
// comments, separated by blank lines.
func funcSource(file, src string, funcs []string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return "", fmt.Errorf("server: parse %s: %w", file, err)
	}
	decls := make(map[string]*ast.FuncDecl)
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			decls[fd.Name.Name] = fd
		}
	}
	var out string
	for i, name := range funcs {
		fd, ok := decls[name]
		if !ok {
			return "", fmt.Errorf("server: %s has no func %s", file, name)
		}
		start := fd.Pos()
		if fd.Doc != nil {
			start = fd.Doc.Pos()
		}
		if i > 0 {
			out += "\n"
		}
		out += src[fset.Position(start).Offset:fset.Position(fd.End()).Offset] + "\n"
	}
	return out, nil
}
