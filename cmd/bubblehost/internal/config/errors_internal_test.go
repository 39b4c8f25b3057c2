package config

import (
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
)

// No error path quotes the value of a secret or token key today. These
// tests check the safety net that hides one if a later change does.

func TestErrorHidesSensitiveValues(t *testing.T) {
	tests := []struct {
		key        string
		wantHidden bool
	}{
		{"tenants.demo.secrets", true},
		{"tenants.demo.secrets[2]", true},
		{"tenants.demo.token", true},
		{"secret", true},
		{"tenants.demo.secrets_file", false},
		{"tenants.demo.token_file", false},
		{"tenants.demo.signature", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			err := &Error{
				Source:  Source{Kind: SourceEnv, Name: "BUBBLEHOST_X"},
				Key:     tt.key,
				Message: i18n.CfgBadEnum,
				Args:    []any{shownValue{"value-123"}, "a, b"},
			}
			for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
				printer := i18n.Printer{Lang: lang}
				text := err.Localize(printer)
				if have := strings.Contains(text, "value-123"); have == tt.wantHidden {
					t.Errorf("%v: want value shown %v, have %q", lang, !tt.wantHidden, text)
				}
				if tt.wantHidden && !strings.Contains(text, printer.Sprintf(i18n.CfgHidden)) {
					t.Errorf("%v: want the hidden marker, have %q", lang, text)
				}
			}
		})
	}
}
