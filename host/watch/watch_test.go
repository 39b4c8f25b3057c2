package watch_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/bubblehost/bubblehost/host/watch"
)

// testSettle is the quiet time in these tests. It is long enough that each
// test's burst of file operations fits in one quiet period on a busy CI
// machine running the race detector, and short enough for a fast suite.
const testSettle = 100 * time.Millisecond

// waitTimeout bounds every wait for a snapshot.
const waitTimeout = 5 * time.Second

var (
	v1 = module("version 1")
	v2 = module("version 2, which is longer")
	v3 = module("version 3")
)

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// start creates a watcher on cfg.Dir with the tests' defaults (testSettle,
// no periodic rescan), runs it, and stops it when the test ends.
func start(t *testing.T, cfg watch.Config) *watch.Watcher {
	t.Helper()
	if cfg.Settle == 0 {
		cfg.Settle = testSettle
	}
	if cfg.Rescan == 0 {
		cfg.Rescan = -1
	}
	cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))

	w, err := watch.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: want nil, have %v", err)
		}
	})
	return w
}

// next waits for the next snapshot.
func next(t *testing.T, w *watch.Watcher) watch.Snapshot {
	t.Helper()
	select {
	case snap, ok := <-w.Changes():
		if !ok {
			t.Fatal("Changes closed while waiting for a snapshot")
		}
		return snap
	case <-time.After(waitTimeout):
		t.Fatalf("no snapshot within %v", waitTimeout)
	}
	return watch.Snapshot{}
}

// want is an expected snapshot: the names in each list, and the content of
// every file.
type want struct {
	added, changed, removed []string
	files                   map[string][]byte
}

func checkSnapshot(t *testing.T, dir string, have watch.Snapshot, want want) {
	t.Helper()
	if !slices.Equal(have.Added, want.added) {
		t.Errorf("Added: want %q, have %q", want.added, have.Added)
	}
	if !slices.Equal(have.Changed, want.changed) {
		t.Errorf("Changed: want %q, have %q", want.changed, have.Changed)
	}
	if !slices.Equal(have.Removed, want.removed) {
		t.Errorf("Removed: want %q, have %q", want.removed, have.Removed)
	}
	checkFiles(t, dir, have.Files, want.files)
}

// checkFiles compares every field of the files with the expected contents.
func checkFiles(t *testing.T, dir string, have map[string]watch.File, want map[string][]byte) {
	t.Helper()
	wantNames := slices.Sorted(maps.Keys(want))
	haveNames := slices.Sorted(maps.Keys(have))
	if !slices.Equal(haveNames, wantNames) {
		t.Errorf("files: want %q, have %q", wantNames, haveNames)
	}
	for name, data := range want {
		f, ok := have[name]
		if !ok {
			continue
		}
		if f.Err != nil {
			t.Errorf("%s: Err: want nil, have %v", name, f.Err)
		}
		if !bytes.Equal(f.Data, data) {
			t.Errorf("%s: Data: want %d bytes %q, have %d bytes %q", name, len(data), data, len(f.Data), f.Data)
		}
		if sum := sha256.Sum256(data); f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: SHA256: want %x, have %s", name, sum, f.SHA256)
		}
		if f.Size != int64(len(data)) {
			t.Errorf("%s: Size: want %d, have %d", name, len(data), f.Size)
		}
		if wantPath := filepath.Join(dir, name); f.Path != wantPath {
			t.Errorf("%s: Path: want %s, have %s", name, wantPath, f.Path)
		}
		if f.ModTime.IsZero() {
			t.Errorf("%s: ModTime is zero", name)
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		writeFile(t, filepath.Join(dir, name), data)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestNewScansFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"a.wasm": v1, "b.wasm": v2, "notes.txt": []byte("not a plugin")})

	w := start(t, watch.Config{Dir: dir})

	checkSnapshot(t, dir, w.Snapshot(), want{
		added: []string{"a.wasm", "b.wasm"},
		files: map[string][]byte{"a.wasm": v1, "b.wasm": v2},
	})
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     watch.Config
		wantErr string
	}{
		{"empty dir", watch.Config{}, "dir is empty"},
		{"negative settle", watch.Config{Dir: "p", Settle: -time.Second}, "settle -1s is negative"},
		{"negative retries", watch.Config{Dir: "p", Retries: -1}, "retries -1 is negative"},
		{"negative max file size", watch.Config{Dir: "p", MaxFileSize: -1}, "max file size -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := watch.New(tt.cfg)
			if err == nil {
				w.Close()
				t.Fatalf("want an error containing %q, have none", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("want an error containing %q, have %q", tt.wantErr, err)
			}
		})
	}
}

// TestChanges makes one change the way a common tool does and checks the
// one snapshot it yields.
func TestChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before map[string][]byte
		change func(t *testing.T, dir string)
		want   want
	}{
		{
			name: "new file",
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.wasm"), v1)
			},
			want: want{added: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": v1}},
		},
		{
			name:   "cp over existing file",
			before: map[string][]byte{"a.wasm": v1},
			change: func(t *testing.T, dir string) {
				// cp truncates the file it overwrites, then writes in chunks.
				f, err := os.OpenFile(filepath.Join(dir, "a.wasm"), os.O_WRONLY|os.O_TRUNC, 0)
				must(t, err)
				_, err = f.Write(v2[:10])
				must(t, err)
				_, err = f.Write(v2[10:])
				must(t, err)
				must(t, f.Close())
			},
			want: want{changed: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": v2}},
		},
		{
			name:   "mv temporary file over",
			before: map[string][]byte{"a.wasm": v1},
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.wasm.tmp"), v2)
				must(t, os.Rename(filepath.Join(dir, "a.wasm.tmp"), filepath.Join(dir, "a.wasm")))
			},
			want: want{changed: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": v2}},
		},
		{
			name:   "mv partial download into place",
			before: map[string][]byte{"a.wasm": v1},
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "b.wasm.part"), v2)
				must(t, os.Rename(filepath.Join(dir, "b.wasm.part"), filepath.Join(dir, "b.wasm")))
			},
			want: want{added: []string{"b.wasm"}, files: map[string][]byte{"a.wasm": v1, "b.wasm": v2}},
		},
		{
			name:   "rm",
			before: map[string][]byte{"a.wasm": v1, "b.wasm": v2},
			change: func(t *testing.T, dir string) {
				must(t, os.Remove(filepath.Join(dir, "a.wasm")))
			},
			want: want{removed: []string{"a.wasm"}, files: map[string][]byte{"b.wasm": v2}},
		},
		{
			name:   "mv to backup name",
			before: map[string][]byte{"a.wasm": v1},
			change: func(t *testing.T, dir string) {
				must(t, os.Rename(filepath.Join(dir, "a.wasm"), filepath.Join(dir, "a.wasm.bak")))
			},
			want: want{removed: []string{"a.wasm"}, files: map[string][]byte{}},
		},
		{
			name:   "add, change and remove at once",
			before: map[string][]byte{"a.wasm": v1, "b.wasm": v1},
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.wasm"), v2)
				must(t, os.Remove(filepath.Join(dir, "b.wasm")))
				writeFile(t, filepath.Join(dir, "c.wasm"), v3)
			},
			want: want{
				added:   []string{"c.wasm"},
				changed: []string{"a.wasm"},
				removed: []string{"b.wasm"},
				files:   map[string][]byte{"a.wasm": v2, "c.wasm": v3},
			},
		},
		{
			name:   "link to a file elsewhere",
			before: map[string][]byte{"a.wasm": v1},
			change: func(t *testing.T, dir string) {
				target := filepath.Join(t.TempDir(), "real.wasm")
				writeFile(t, target, v2)
				must(t, os.Symlink(target, filepath.Join(dir, "b.wasm")))
			},
			want: want{added: []string{"b.wasm"}, files: map[string][]byte{"a.wasm": v1, "b.wasm": v2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFiles(t, dir, tt.before)
			w := start(t, watch.Config{Dir: dir})

			tt.change(t, dir)

			checkSnapshot(t, dir, next(t, w), tt.want)
			checkFiles(t, dir, w.Snapshot().Files, tt.want.files)
		})
	}
}

// TestNoSnapshot makes a change that must not yield a snapshot, waits for
// the quiet time to pass, then adds a marker file: the next snapshot must
// report the marker alone.
func TestNoSnapshot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{
			name: "touch",
			change: func(t *testing.T, dir string) {
				now := time.Now().Add(time.Second)
				must(t, os.Chtimes(filepath.Join(dir, "a.wasm"), now, now))
			},
		},
		{
			name: "same content written again",
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.wasm"), v1)
			},
		},
		{
			name: "same content moved over",
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.wasm.tmp"), v1)
				must(t, os.Rename(filepath.Join(dir, "a.wasm.tmp"), filepath.Join(dir, "a.wasm")))
			},
		},
		{
			name: "editor temporary and backup files",
			change: func(t *testing.T, dir string) {
				for _, name := range []string{
					".a.wasm.swp", ".a.wasm.swx", "a.wasm~", "a.tmp", "a.wasm.tmp",
					"#a.wasm#", ".#a.wasm", "a.wasm.part", ".hidden.wasm", "4913",
				} {
					writeFile(t, filepath.Join(dir, name), v2)
				}
				must(t, os.Remove(filepath.Join(dir, "4913"))) // vim's probe lives a moment
			},
		},
		{
			name: "folder and dangling link named like plugins",
			change: func(t *testing.T, dir string) {
				must(t, os.Mkdir(filepath.Join(dir, "sub.wasm"), 0o755))
				must(t, os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "ghost.wasm")))
			},
		},
		{
			name: "file in a subfolder",
			change: func(t *testing.T, dir string) {
				must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
				writeFile(t, filepath.Join(dir, "sub", "b.wasm"), v2)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "a.wasm"), v1)
			w := start(t, watch.Config{Dir: dir})

			tt.change(t, dir)
			time.Sleep(3 * testSettle) // let the change settle in its own burst
			writeFile(t, filepath.Join(dir, "marker.wasm"), v3)

			checkSnapshot(t, dir, next(t, w), want{
				added: []string{"marker.wasm"},
				files: map[string][]byte{"a.wasm": v1, "marker.wasm": v3},
			})
		})
	}
}

// TestSlowWrite writes a module in chunks, pausing shorter than the quiet
// time and then longer, twice, in the middle of a section. It must yield
// one snapshot, with the whole module.
func TestSlowWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := start(t, watch.Config{Dir: dir})
	data := module(strings.Repeat("slow ", 1000))

	f, err := os.Create(filepath.Join(dir, "a.wasm"))
	must(t, err)
	const chunk = 500
	for offset := 0; offset < len(data); offset += chunk {
		_, err := f.Write(data[offset:min(offset+chunk, len(data))])
		must(t, err)
		switch offset {
		case 1500, 3500:
			time.Sleep(3 * testSettle)
		default:
			time.Sleep(testSettle / 5)
		}
	}
	must(t, f.Close())

	checkSnapshot(t, dir, next(t, w), want{added: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": data}})

	// Prove there was no second snapshot for a.wasm.
	writeFile(t, filepath.Join(dir, "marker.wasm"), v3)
	checkSnapshot(t, dir, next(t, w), want{
		added: []string{"marker.wasm"},
		files: map[string][]byte{"a.wasm": data, "marker.wasm": v3},
	})
}

// TestIncompleteFile checks that a file that stays incomplete is read again
// Retries times, then reported with the reason, and reported again once it
// is complete.
func TestIncompleteFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		data        []byte
		maxFileSize int64
		wantErr     string
		complete    []byte // a complete module to write afterwards
	}{
		{"module cut inside a section", v2[:len(v2)-3], 0, "not a complete WebAssembly module: section 0 at offset 24", v2},
		{"not WebAssembly", []byte("#!/bin/sh\necho hello\n"), 0, "missing the WebAssembly magic number", v1},
		{"over the size limit", v2, 20, "over the limit of 20 bytes", v2[:8]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const retries = 2
			dir := t.TempDir()
			w := start(t, watch.Config{Dir: dir, Retries: retries, MaxFileSize: tt.maxFileSize})

			written := time.Now()
			writeFile(t, filepath.Join(dir, "a.wasm"), tt.data)
			snap := next(t, w)

			// The first read comes a quiet time after the write, then one more
			// for each retry.
			if elapsed, least := time.Since(written), (retries+1)*testSettle; elapsed < least {
				t.Errorf("snapshot after %v: want at least %v", elapsed, least)
			}
			if !slices.Equal(snap.Added, []string{"a.wasm"}) {
				t.Errorf("Added: want [a.wasm], have %q", snap.Added)
			}
			f := snap.Files["a.wasm"]
			if f.Err == nil || !strings.Contains(f.Err.Error(), tt.wantErr) {
				t.Errorf("Err: want an error containing %q, have %v", tt.wantErr, f.Err)
			}
			if f.Size != int64(len(tt.data)) {
				t.Errorf("Size: want %d, have %d", len(tt.data), f.Size)
			}

			writeFile(t, filepath.Join(dir, "a.wasm"), tt.complete)
			checkSnapshot(t, dir, next(t, w), want{changed: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": tt.complete}})
		})
	}
}

// TestNewLeavesOutIncompleteFile checks that a file incomplete at start is
// not in the initial view, and is reported once it is complete.
func TestNewLeavesOutIncompleteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"a.wasm": v1, "b.wasm": v2[:len(v2)-1]})
	w := start(t, watch.Config{Dir: dir})

	checkFiles(t, dir, w.Snapshot().Files, map[string][]byte{"a.wasm": v1})

	writeFile(t, filepath.Join(dir, "b.wasm"), v2)
	checkSnapshot(t, dir, next(t, w), want{added: []string{"b.wasm"}, files: map[string][]byte{"a.wasm": v1, "b.wasm": v2}})
}

// configMapUpdate replaces the files of a folder laid out like a Kubernetes
// ConfigMap volume, in the order of the kubelet's atomic writer. It writes a
// new timestamped folder and links any new file names into "..data", where
// they dangle for a moment. Then it points a new "..data_tmp" link at the
// new folder and renames that over "..data". Last it removes the links of
// names that are gone, and the old folder.
func configMapUpdate(t *testing.T, dir, old, stamp string, files map[string][]byte) {
	t.Helper()
	must(t, os.Mkdir(filepath.Join(dir, stamp), 0o755))
	writeFiles(t, filepath.Join(dir, stamp), files)
	for name := range files {
		link := filepath.Join(dir, name)
		if _, err := os.Lstat(link); err != nil {
			must(t, os.Symlink(filepath.Join("..data", name), link))
		}
	}

	must(t, os.Symlink(stamp, filepath.Join(dir, "..data_tmp")))
	must(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))

	if old == "" {
		return
	}
	entries, err := os.ReadDir(filepath.Join(dir, old))
	must(t, err)
	for _, e := range entries {
		if _, ok := files[e.Name()]; !ok {
			must(t, os.Remove(filepath.Join(dir, e.Name())))
		}
	}
	must(t, os.RemoveAll(filepath.Join(dir, old)))
}

func TestConfigMapSwap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	configMapUpdate(t, dir, "", "..2024_01_01_00_00_00.1", map[string][]byte{"a.wasm": v1, "c.wasm": v3})
	w := start(t, watch.Config{Dir: dir})
	checkFiles(t, dir, w.Snapshot().Files, map[string][]byte{"a.wasm": v1, "c.wasm": v3})

	configMapUpdate(t, dir, "..2024_01_01_00_00_00.1", "..2024_01_01_00_01_00.2", map[string][]byte{"a.wasm": v2, "b.wasm": v1})

	checkSnapshot(t, dir, next(t, w), want{
		added:   []string{"b.wasm"},
		changed: []string{"a.wasm"},
		removed: []string{"c.wasm"},
		files:   map[string][]byte{"a.wasm": v2, "b.wasm": v1},
	})
}

// TestConfigMapSwapSameSizeAndTime swaps in content of the same size with the
// same modification time, which only the "..data" events reveal.
func TestConfigMapSwapSameSizeAndTime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stamp := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	configMapUpdate(t, dir, "", "..2024_01_01_00_00_00.1", map[string][]byte{"a.wasm": v1})
	must(t, os.Chtimes(filepath.Join(dir, "..2024_01_01_00_00_00.1", "a.wasm"), stamp, stamp))
	w := start(t, watch.Config{Dir: dir})

	configMapUpdate(t, dir, "..2024_01_01_00_00_00.1", "..2024_01_01_00_01_00.2", map[string][]byte{"a.wasm": v3})
	must(t, os.Chtimes(filepath.Join(dir, "..2024_01_01_00_01_00.2", "a.wasm"), stamp, stamp))

	checkSnapshot(t, dir, next(t, w), want{changed: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": v3}})
}

func TestFolderRemovedAndCreatedAgain(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "plugins")
	must(t, os.Mkdir(dir, 0o755))
	writeFiles(t, dir, map[string][]byte{"a.wasm": v1, "b.wasm": v1})
	w := start(t, watch.Config{Dir: dir})

	must(t, os.RemoveAll(dir))
	checkSnapshot(t, dir, next(t, w), want{removed: []string{"a.wasm", "b.wasm"}, files: map[string][]byte{}})

	must(t, os.Mkdir(dir, 0o755))
	writeFiles(t, dir, map[string][]byte{"a.wasm": v2, "c.wasm": v3})
	checkSnapshot(t, dir, next(t, w), want{
		added: []string{"a.wasm", "c.wasm"},
		files: map[string][]byte{"a.wasm": v2, "c.wasm": v3},
	})

	// The new folder is watched: a later change is seen.
	must(t, os.Remove(filepath.Join(dir, "c.wasm")))
	checkSnapshot(t, dir, next(t, w), want{removed: []string{"c.wasm"}, files: map[string][]byte{"a.wasm": v2}})
}

// TestFolderReplacedInOneBurst removes and re-creates the folder faster than
// the quiet time: the snapshots must end in the new contents.
func TestFolderReplacedInOneBurst(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "plugins")
	must(t, os.Mkdir(dir, 0o755))
	writeFiles(t, dir, map[string][]byte{"a.wasm": v1, "b.wasm": v1})
	w := start(t, watch.Config{Dir: dir})

	must(t, os.RemoveAll(dir))
	must(t, os.Mkdir(dir, 0o755))
	writeFiles(t, dir, map[string][]byte{"a.wasm": v2, "c.wasm": v3})

	checkSnapshot(t, dir, next(t, w), want{
		added:   []string{"c.wasm"},
		changed: []string{"a.wasm"},
		removed: []string{"b.wasm"},
		files:   map[string][]byte{"a.wasm": v2, "c.wasm": v3},
	})

	must(t, os.Remove(filepath.Join(dir, "c.wasm")))
	checkSnapshot(t, dir, next(t, w), want{removed: []string{"c.wasm"}, files: map[string][]byte{"a.wasm": v2}})
}

func TestMissingFolderAtStart(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "plugins")
	w := start(t, watch.Config{Dir: dir})
	checkFiles(t, dir, w.Snapshot().Files, map[string][]byte{})

	must(t, os.Mkdir(dir, 0o755))
	writeFile(t, filepath.Join(dir, "a.wasm"), v1)

	checkSnapshot(t, dir, next(t, w), want{added: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": v1}})
}

// TestSymlinkedFolderRepointed re-points the configured path, a link, from
// one folder to another, first by rename as `ln -sfn` or a deploy tool
// does, then by remove and create.
func TestSymlinkedFolderRepointed(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	blue, green := filepath.Join(root, "blue"), filepath.Join(root, "green")
	must(t, os.Mkdir(blue, 0o755))
	must(t, os.Mkdir(green, 0o755))
	writeFiles(t, blue, map[string][]byte{"a.wasm": v1})
	writeFiles(t, green, map[string][]byte{"a.wasm": v2, "b.wasm": v3})
	dir := filepath.Join(root, "current")
	must(t, os.Symlink("blue", dir))
	w := start(t, watch.Config{Dir: dir})
	checkFiles(t, dir, w.Snapshot().Files, map[string][]byte{"a.wasm": v1})

	must(t, os.Symlink("green", dir+".tmp"))
	must(t, os.Rename(dir+".tmp", dir))
	checkSnapshot(t, dir, next(t, w), want{
		added:   []string{"b.wasm"},
		changed: []string{"a.wasm"},
		files:   map[string][]byte{"a.wasm": v2, "b.wasm": v3},
	})

	// Only the folder the link points to now is watched: a change in the
	// old one yields nothing, so the next snapshot has the new one's alone.
	writeFile(t, filepath.Join(blue, "old.wasm"), v1)
	time.Sleep(3 * testSettle)
	writeFile(t, filepath.Join(green, "c.wasm"), v1)
	checkSnapshot(t, dir, next(t, w), want{
		added: []string{"c.wasm"},
		files: map[string][]byte{"a.wasm": v2, "b.wasm": v3, "c.wasm": v1},
	})

	must(t, os.Remove(dir))
	must(t, os.Symlink("blue", dir))
	checkSnapshot(t, dir, next(t, w), want{
		added:   []string{"old.wasm"},
		changed: []string{"a.wasm"},
		removed: []string{"b.wasm", "c.wasm"},
		files:   map[string][]byte{"a.wasm": v1, "old.wasm": v1},
	})
}

// changeUnseen rewrites dir/name through a hard link in another folder, so
// that the watch on dir receives no event for it.
func changeUnseen(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	link := filepath.Join(t.TempDir(), name)
	must(t, os.Link(filepath.Join(dir, name), link))
	f, err := os.OpenFile(link, os.O_WRONLY|os.O_TRUNC, 0)
	must(t, err)
	_, err = f.Write(data)
	must(t, err)
	must(t, f.Close())
}

func TestPeriodicRescan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.wasm"), v1)
	w := start(t, watch.Config{Dir: dir, Rescan: 3 * testSettle})

	changeUnseen(t, dir, "a.wasm", v2)

	checkSnapshot(t, dir, next(t, w), want{changed: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": v2}})
}

func TestOverflowRescansAtOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.wasm"), v1)
	w := start(t, watch.Config{Dir: dir})

	changeUnseen(t, dir, "a.wasm", v2)
	watch.InjectError(w, fsnotify.ErrEventOverflow)

	checkSnapshot(t, dir, next(t, w), want{changed: []string{"a.wasm"}, files: map[string][]byte{"a.wasm": v2}})
}

func TestStop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		stop func(w *watch.Watcher, cancel context.CancelFunc)
	}{
		{"Close", func(w *watch.Watcher, _ context.CancelFunc) { w.Close() }},
		{"context canceled", func(_ *watch.Watcher, cancel context.CancelFunc) { cancel() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			w, err := watch.New(watch.Config{Dir: dir, Settle: testSettle})
			must(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()

			// A snapshot shows that Run is running.
			writeFile(t, filepath.Join(dir, "a.wasm"), v1)
			next(t, w)
			tt.stop(w, cancel)

			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: want nil, have %v", err)
				}
			case <-time.After(waitTimeout):
				t.Fatalf("Run did not return within %v", waitTimeout)
			}
			if _, ok := <-w.Changes(); ok {
				t.Error("Changes: want closed, have a snapshot")
			}
			if err := w.Close(); err != nil {
				t.Errorf("Close after stop: want nil, have %v", err)
			}
			if err := w.Run(ctx); err == nil {
				t.Error("Run after stop: want an error, have nil")
			}
		})
	}
}

func TestCloseWithoutRun(t *testing.T) {
	t.Parallel()
	w, err := watch.New(watch.Config{Dir: t.TempDir()})
	must(t, err)

	if err := w.Close(); err != nil {
		t.Errorf("Close: want nil, have %v", err)
	}
	if _, ok := <-w.Changes(); ok {
		t.Error("Changes: want closed, have a snapshot")
	}
	if err := w.Run(context.Background()); err == nil {
		t.Error("Run after Close: want an error, have nil")
	}
}
