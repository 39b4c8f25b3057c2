package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want i18n.Lang
	}{
		{"no locale", nil, i18n.English},
		{"LANG C", map[string]string{"LANG": "C"}, i18n.English},
		{"LANG zh_CN", map[string]string{"LANG": "zh_CN.UTF-8"}, i18n.Chinese},
		{"LANG zh_TW", map[string]string{"LANG": "zh_TW"}, i18n.Chinese},
		{"LANG en_US", map[string]string{"LANG": "en_US.UTF-8"}, i18n.English},
		{"LC_MESSAGES before LANG", map[string]string{"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, i18n.Chinese},
		{"LC_ALL before LC_MESSAGES", map[string]string{"LC_ALL": "C", "LC_MESSAGES": "zh_CN.UTF-8"}, i18n.English},
		{"LC_ALL zh", map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, i18n.Chinese},
		{"empty LC_ALL skipped", map[string]string{"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, i18n.Chinese},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := i18n.Detect(func(name string) string { return tt.env[name] })
			if have != tt.want {
				t.Errorf("want %v, have %v", tt.want, have)
			}
		})
	}
}

func TestMessagesHaveBothLanguages(t *testing.T) {
	for id, text := range i18n.Messages() {
		if strings.TrimSpace(text.En) == "" {
			t.Errorf("%s: English text is empty", id)
		}
		if strings.TrimSpace(text.Zh) == "" {
			t.Errorf("%s: Chinese text is empty", id)
		}
	}
}

func TestMessagesHaveSameVerbs(t *testing.T) {
	for id, text := range i18n.Messages() {
		en, zh := formatVerbs(text.En), formatVerbs(text.Zh)
		if !maps.Equal(en, zh) {
			t.Errorf("%s: English verbs %v, Chinese verbs %v", id, en, zh)
		}
	}
}

// TestMessageIDsInTable checks that every ID constant declared in
// messages.go has an entry in the table.
func TestMessageIDsInTable(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	table := i18n.Messages()

	declared := 0
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
					continue
				}
				id, err := strconv.Unquote(literal.Value)
				if err != nil {
					t.Fatal(err)
				}
				declared++
				if _, ok := table[i18n.ID(id)]; !ok {
					t.Errorf("%s (%q) has no entry in the table", name.Name, id)
				}
			}
		}
	}
	if declared != len(table) {
		t.Errorf("want %d declared ids, one per table entry, have %d", len(table), declared)
	}
}

func TestSprintfFormatsInLanguage(t *testing.T) {
	en := i18n.Printer{Lang: i18n.English}.Sprintf(i18n.ErrUnknownCommand, "frob")
	if want := `unknown command "frob"`; !strings.Contains(en, want) {
		t.Errorf("want English text containing %q, have %q", want, en)
	}
	zh := i18n.Printer{Lang: i18n.Chinese}.Sprintf(i18n.ErrUnknownCommand, "frob")
	if want := `未知命令 "frob"`; !strings.Contains(zh, want) {
		t.Errorf("want Chinese text containing %q, have %q", want, zh)
	}
}

func TestSprintfUnknownIDShowsID(t *testing.T) {
	have := i18n.Printer{}.Sprintf("no.such.id", 42)
	if !strings.Contains(have, "no.such.id") || !strings.Contains(have, "42") {
		t.Errorf("want the id and its argument, have %q", have)
	}
}

// verbPattern matches one fmt verb with an optional explicit argument
// index, flags, width and precision.
var verbPattern = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// formatVerbs maps each argument index of format (from 1) to its verb.
func formatVerbs(format string) map[int]string {
	verbs := map[int]string{}
	next := 1
	for _, match := range verbPattern.FindAllStringSubmatch(format, -1) {
		verb := match[4]
		if verb == "%" {
			continue
		}
		if match[2] != "" {
			next, _ = strconv.Atoi(match[2])
		}
		verbs[next] = verb
		next++
	}
	return verbs
}

func TestFormatVerbs(t *testing.T) {
	have := formatVerbs("%[2]s and %[1]d, 100%% %q %v")
	want := map[int]string{1: "d", 2: "q", 3: "v"}
	if !maps.Equal(have, want) {
		t.Errorf("want %v, have %v", want, have)
	}
	if keys := slices.Sorted(maps.Keys(formatVerbs("no verbs"))); len(keys) != 0 {
		t.Errorf("want no verbs, have %v", keys)
	}
}
