package qrtext_test

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/formtest/formtest/tui/qrtext"
)

func ExampleLines() {
	lines, err := qrtext.Lines("http://192.168.1.23:5000/", qrtext.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(lines), "lines of", utf8.RuneCountInString(lines[0]), "columns")
	fmt.Println(strings.Trim(lines[0], "█") == "") // the quiet zone, drawn in light ink
	// Output:
	// 17 lines of 33 columns
	// true
}
