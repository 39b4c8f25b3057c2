package host_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/bubbletest"
	hostruntime "github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/internal/wasmbuild"
)

// BenchmarkReloadToAnswer measures the time from a new version of the hello
// plugin, a Go module the size of the examples (the module-MB metric), being
// renamed into the plugin folder to that version's reply to an event
// reaching the fake platform. The host runs
// with the default settle time of 300 ms, which is part of every figure.
// Each iteration starts a new host, so that the version is not compiled in
// memory: "cold" gives it an empty compilation cache folder, "warm" one that
// already holds the version's compiled code.
//
// The event is sent once the tenant's status shows the new version, polled
// every millisecond. The loaded-ms metric is the time to that point.
func BenchmarkReloadToAnswer(b *testing.B) {
	mods := buildModules(b)
	for _, cache := range []string{"cold", "warm"} {
		b.Run(cache, func(b *testing.B) {
			b.StopTimer()
			warmDir := b.TempDir()
			if cache == "warm" {
				compileInto(b, warmDir, mods.hello2)
			}
			var loaded time.Duration
			for range b.N {
				cacheDir := warmDir
				if cache == "cold" {
					cacheDir = b.TempDir()
				}
				rh := startReloadHost(b, reloadOptions{
					files:    map[string]map[string][]byte{"demo": {"hello.wasm": mods.hello1}},
					infoLogs: true,
					edit: func(cfg *host.Config) {
						cfg.CacheDir = cacheDir
						cfg.PluginSettle = 0 // the default
					},
				})
				path := filepath.Join(rh.pluginDir("demo"), "hello.wasm")
				channel := rh.newChannel()

				b.StartTimer()
				start := time.Now()
				replaceFile(b, path, mods.hello2)
				for {
					if ps, _ := rh.pluginStatus(b, "demo", "hello.wasm"); ps.Version == "2" {
						break
					}
					time.Sleep(time.Millisecond)
				}
				loaded += time.Since(start)
				rh.deliver(b, "demo", bubbletest.MessageCreate(channel, 1, "!hello"))
				waitReply(b, rh.platform, channel, "hello v2")
				b.StopTimer()
				rh.stop()
			}
			b.ReportMetric(float64(loaded.Milliseconds())/float64(b.N), "loaded-ms")
			b.ReportMetric(float64(len(mods.hello2))/1e6, "module-MB")
		})
	}
}

// BenchmarkStartWith100Plugins measures Host.Start for one tenant whose
// folder holds 100 distinct Go plugin modules (module-MB is their mean
// size). Start
// returns once every module is loaded and the folder is watched. "cold"
// starts with an empty compilation cache folder, "warm" with one that holds
// every module's compiled code. The heap-MiB metric is the Go heap in use
// after the start, with the 100 instances' linear memories in it.
//
// The modules are built from generated sources, which take a minute or two
// to build before the timing starts.
func BenchmarkStartWith100Plugins(b *testing.B) {
	const plugins = 100
	files := buildGeneratedPlugins(b, plugins)
	pluginDir := b.TempDir()
	totalSize := 0
	for name, data := range files {
		writeFile(b, filepath.Join(pluginDir, name), data)
		totalSize += len(data)
	}
	warmDir := b.TempDir()

	for _, cache := range []string{"cold", "warm"} {
		b.Run(cache, func(b *testing.B) {
			b.StopTimer()
			if cache == "warm" {
				startAndCount(b, pluginDir, warmDir, plugins)()
			}
			var heap uint64
			for range b.N {
				cacheDir := warmDir
				if cache == "cold" {
					cacheDir = b.TempDir()
				}
				b.StartTimer()
				shutdown := startAndCount(b, pluginDir, cacheDir, plugins)
				b.StopTimer()
				heap += heapInUse()
				shutdown()
			}
			b.ReportMetric(mib(heap)/float64(b.N), "heap-MiB")
			b.ReportMetric(float64(totalSize)/plugins/1e6, "module-MB")
		})
	}
}

// startAndCount starts a host with one tenant on pluginDir and checks that
// it loaded want plugins. It returns the function that shuts the host down.
func startAndCount(b *testing.B, pluginDir, cacheDir string, want int) func() {
	b.Helper()
	h, err := host.New(host.Config{
		DataDir:  b.TempDir(),
		CacheDir: cacheDir,
		Tenants: map[string]host.TenantConfig{"demo": {
			Signature: host.SignatureOff,
			PluginDir: pluginDir,
		}},
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	loaded := 0
	for _, ps := range h.Status()[0].Plugins {
		if ps.Status == "ok" {
			loaded++
		}
	}
	if loaded != want {
		b.Fatalf("%d plugins loaded, want %d", loaded, want)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			b.Errorf("Shutdown: %v", err)
		}
	}
}

// compileInto compiles wasm with a compilation cache in dir, so that a
// later host that uses dir finds its compiled code there.
func compileInto(b *testing.B, dir string, wasm []byte) {
	b.Helper()
	ctx := context.Background()
	e, err := hostruntime.NewEngine(ctx, hostruntime.EngineConfig{CacheDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(ctx)
	p, err := e.Load(ctx, wasm, hostruntime.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	p.Close(ctx)
}

// waitReply waits up to a minute for a message with content want in
// channel.
func waitReply(b *testing.B, platform *bubbletest.Platform, channel int64, want string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	msgs, err := platform.WaitMessages(ctx, channel, 1)
	if err != nil {
		b.Fatalf("waiting for %q in channel %d: %v", want, channel, err)
	}
	if msgs[0].Content != want {
		b.Fatalf("reply = %q, want %q", msgs[0].Content, want)
	}
}

// buildGeneratedPlugins writes n plugin sources, each the hello plugin
// under the name gen-NNN, to a folder of the module that go commands
// skip in patterns such as ./... because its name starts with "_". It
// builds them one per CPU at a time, removes the sources and returns the
// modules by file name.
func buildGeneratedPlugins(b *testing.B, n int) map[string][]byte {
	b.Helper()
	srcRoot := filepath.Join("internal", "testplugins", "_gen")
	if err := os.MkdirAll(srcRoot, 0o755); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(srcRoot) })
	outDir := b.TempDir()

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		files = map[string][]byte{}
		slots = make(chan struct{}, runtime.NumCPU())
	)
	for i := range n {
		name := fmt.Sprintf("gen-%03d", i)
		dir := filepath.Join(srcRoot, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		src := fmt.Sprintf(`// Command %[1]s is the hello test plugin named %[1]s, generated by a benchmark.
package main

import "github.com/bubblehost/bubblehost/host/internal/testplugins/hello"

func init() { hello.Register(%[1]q, "1") }

func main() {}
`, name)
		writeFile(b, filepath.Join(dir, "main.go"), []byte(src))

		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			out := filepath.Join(outDir, name+".wasm")
			var log lockedBuffer
			if err := wasmbuild.Build(context.Background(), dir, out, &log); err != nil {
				b.Errorf("%v\n%s", err, log.String())
				return
			}
			data, err := os.ReadFile(out)
			if err != nil {
				b.Error(err)
				return
			}
			mu.Lock()
			files[name+".wasm"] = data
			mu.Unlock()
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	return files
}

// lockedBuffer collects a build's output from concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}
