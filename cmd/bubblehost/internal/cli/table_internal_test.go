package cli

import (
	"fmt"
	"strings"
	"testing"
)

func TestTableAlignsChineseByDisplayWidth(t *testing.T) {
	var out strings.Builder
	tw := newTable(&out)
	fmt.Fprintln(tw, "租户\t签名\t插件")
	fmt.Fprintln(tw, "demo\trequired\t2")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "租户  签名      插件\n" +
		"demo  required  2\n"
	if have := out.String(); have != want {
		t.Errorf("table:\nhave %q\nwant %q", have, want)
	}
}

func TestTableFlushOfNothingWritesNothing(t *testing.T) {
	var out strings.Builder
	if err := newTable(&out).Flush(); err != nil || out.Len() != 0 {
		t.Errorf("Flush of an empty table: wrote %q, err %v", out.String(), err)
	}
}
