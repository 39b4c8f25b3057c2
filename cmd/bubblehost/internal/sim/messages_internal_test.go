package sim

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestMessagesHaveBothLanguages(t *testing.T) {
	for id, text := range messages {
		if strings.TrimSpace(text.en) == "" {
			t.Errorf("%s: English text is empty", id)
		}
		if strings.TrimSpace(text.zh) == "" {
			t.Errorf("%s: Chinese text is empty", id)
		}
	}
}

func TestMessagesHaveSameVerbs(t *testing.T) {
	for id, text := range messages {
		en, zh := formatVerbs(text.en), formatVerbs(text.zh)
		if !maps.Equal(en, zh) {
			t.Errorf("%s: English verbs %v, Chinese verbs %v", id, en, zh)
		}
	}
}

// TestMessageIDsInTable checks that every msgID constant declared in
// messages.go has an entry in the table, and that the table has no other.
func TestMessageIDsInTable(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}

	declared := map[msgID]bool{}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			value := spec.(*ast.ValueSpec)
			for i, name := range value.Names {
				literal, ok := value.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s: the value is not a string literal", name.Name)
				}
				id, err := strconv.Unquote(literal.Value)
				if err != nil {
					t.Fatalf("%s: %v", name.Name, err)
				}
				declared[msgID(id)] = true
				if _, ok := messages[msgID(id)]; !ok {
					t.Errorf("%s (%q) has no entry in the table", name.Name, id)
				}
			}
		}
	}
	for id := range messages {
		if !declared[id] {
			t.Errorf("table entry %q has no constant", id)
		}
	}
}

func TestTranslateMissingID(t *testing.T) {
	if have := translate("en", "no.such.id", 1); have != "no.such.id1" && have != "no.such.id 1" {
		t.Errorf("have %q, want the id and its argument", have)
	}
}

// formatVerbs counts the fmt verbs of a format, without %%.
func formatVerbs(format string) map[string]int {
	verbs := map[string]int{}
	for _, match := range regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`).FindAllString(format, -1) {
		if match != "%%" {
			verbs[match]++
		}
	}
	return verbs
}
