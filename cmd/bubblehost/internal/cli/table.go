package cli

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// table aligns tab-separated columns, like text/tabwriter with a padding of
// two spaces, but measures each cell by the columns a terminal gives it:
// two for a Chinese character, one for most others. Every cell but the
// last of a line ends with a tab. Flush writes the aligned lines.
type table struct {
	w   io.Writer
	buf bytes.Buffer
}

func newTable(w io.Writer) *table { return &table{w: w} }

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the table and empties it.
func (t *table) Flush() error {
	text := strings.TrimSuffix(t.buf.String(), "\n")
	t.buf.Reset()
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	rows := make([][]string, len(lines))
	var widths []int
	for i, line := range lines {
		rows[i] = strings.Split(line, "\t")
		for col, cell := range rows[i][:len(rows[i])-1] {
			if col == len(widths) {
				widths = append(widths, 0)
			}
			widths[col] = max(widths[col], displayWidth(cell))
		}
	}
	var out strings.Builder
	for _, row := range rows {
		for col, cell := range row[:len(row)-1] {
			out.WriteString(cell)
			out.WriteString(strings.Repeat(" ", widths[col]-displayWidth(cell)+2))
		}
		out.WriteString(row[len(row)-1])
		out.WriteByte('\n')
	}
	_, err := io.WriteString(t.w, out.String())
	return err
}

// displayWidth returns the number of terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
