package report

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// chromium returns the path of a Chromium binary, installing Debian's
// chromium package through scripts/browser-test.sh when it is missing.
func chromium(t *testing.T) string {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "browser-test.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd := exec.Command(script, "chromium")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s chromium: %v\n%s", script, err, stderr.String())
	}
	path := strings.TrimSpace(string(out))
	if path == "" {
		t.Fatalf("%s chromium printed no path\n%s", script, stderr.String())
	}
	return path
}

// artifactDir is where screenshots go: $FOURC_ARTIFACTS, or a new
// temporary directory that the test leaves for a person to look at.
func artifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("FOURC_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d, err := os.MkdirTemp("", "fourc-artifacts-")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// browser starts a headless Chromium with the flags this machine needs and
// a fresh profile, and returns a context for one tab. The options go to
// the tab's context, so a listener sees the tab's events from its start.
func browser(t *testing.T, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	exe := chromium(t)
	alloc := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-pings", true),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, alloc...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx, opts...)
	t.Cleanup(tcancel)
	return tctx
}

// do runs steps in the tab and ends the test on an error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs a in the tab and returns its value, ending the test on an error.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// pageEvents records what a page reports: console errors and warnings,
// uncaught exceptions, error log entries (CSP violations among them) and
// every request that leaves the file. Give its record method to the tab
// with chromedp.WithListener.
type pageEvents struct {
	mu       sync.Mutex
	problems []string
	requests []string
}

// record runs in the tab's read loop: it must return fast and send no
// command.
func (e *pageEvents) record(ev any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			e.problems = append(e.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		e.problems = append(e.problems, (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
			e.problems = append(e.problems, fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		if u := ev.Request.URL; !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") {
			e.requests = append(e.requests, u)
		}
	}
}

func (e *pageEvents) check(t *testing.T) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.problems {
		t.Errorf("page reported: %s", p)
	}
	for _, u := range e.requests {
		t.Errorf("page made a request to %s; the report must be self-contained", u)
	}
}

// visibleRows counts the finding rows the filters leave shown.
func visibleRows() chromedp.Action[int] {
	return chromedp.Evaluate[int](`document.querySelectorAll("#finding-list .finding:not(.hidden)").length`)
}

// setFilter sets a filter control and fires the event a person's change
// would.
func setFilter(sel, value string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(function(){var el=document.querySelector(%q); if(!el){return false}; el.value=%q; el.dispatchEvent(new Event("change",{bubbles:true})); return true})()`, sel, value)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](js)(ctx, t)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no element %s", sel)
		}
		return nil
	})
}

// TestHTMLInBrowser loads the HTML report in a real headless Chromium: it
// must load with no console error and no request, its filters must work
// (with real key presses for the search box), it must read with
// JavaScript off, and it must print. A screenshot and a PDF are written to
// $FOURC_ARTIFACTS (or a temporary directory) and their paths logged.
func TestHTMLInBrowser(t *testing.T) {
	r := testPostureReport()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, render(t, "html", Options{}, r), 0o644); err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: file}).String()

	// What the filters should leave, computed from the report itself.
	model := htmlModel(r)
	count := func(keep func(htmlFinding) bool) int {
		n := 0
		for _, f := range model.Findings {
			if keep(f) {
				n++
			}
		}
		return n
	}
	total := len(model.Findings)
	wantCritical := count(func(f htmlFinding) bool { return f.Severity == "CRITICAL" })
	wantCloud := count(func(f htmlFinding) bool { return f.Layer == "Cloud" })
	wantP1 := count(func(f htmlFinding) bool { return f.Priority == "P1" })
	wantNew := count(func(f htmlFinding) bool { return f.Baseline == "new" })
	wantSearch := count(func(f htmlFinding) bool { return strings.Contains(f.Search, "privileged") })
	wantResource := count(func(f htmlFinding) bool { return strings.Contains(strings.ToLower(f.Resource), "shop/api") })
	wantBoth := count(func(f htmlFinding) bool {
		return f.Layer == "Cluster" && strings.Contains(strings.ToLower(f.Resource), "shop/api")
	})
	for name, n := range map[string]int{"critical": wantCritical, "cloud": wantCloud, "P1": wantP1, "new": wantNew, "search": wantSearch, "resource": wantResource} {
		if n == 0 || n == total {
			t.Fatalf("filter %s would keep %d of %d rows; the fixture cannot tell a working filter from a broken one", name, n, total)
		}
	}

	var ev pageEvents
	ctx := browser(t, chromedp.WithListener(ev.record))
	do(t, ctx, "loading the report",
		chromedp.Navigate(u),
		chromedp.WaitVisible(chromedp.CSS("#findings")),
	)
	bodyClass := get(t, ctx, "reading the body class", chromedp.Evaluate[string](`document.body.className`))
	rows := get(t, ctx, "counting rows", visibleRows())
	paths := get(t, ctx, "counting paths", chromedp.Evaluate[int](`document.querySelectorAll("#paths article.path").length`))
	steps := get(t, ctx, "counting chain steps", chromedp.Evaluate[int](`document.querySelectorAll("#paths .chain .step").length`))

	// rowsAfter runs steps, then counts the rows left shown.
	rowsAfter := func(what string, steps ...chromedp.Action[chromedp.Void]) int {
		t.Helper()
		do(t, ctx, what, steps...)
		return get(t, ctx, what, visibleRows())
	}
	critical := rowsAfter("severity=critical", setFilter("#f-severity", "critical"))
	shownText := get(t, ctx, "reading the counter", chromedp.Text(chromedp.CSS("#shown")))
	cloud := rowsAfter("layer=cloud", setFilter("#f-severity", ""), setFilter("#f-layer", "cloud"))
	p1 := rowsAfter("priority=P1", setFilter("#f-layer", ""), setFilter("#f-priority", "p1"))
	isNew := rowsAfter("baseline=new", setFilter("#f-priority", ""), setFilter("#f-baseline", "new"))
	search := rowsAfter("typing a search", setFilter("#f-baseline", ""),
		chromedp.SendKeys(chromedp.CSS("#f-search"), "privileged"))
	// setFilter clears the box: chromedp.SetValue cannot set "", since
	// v0.23.0 drops the empty argument and the box then says "undefined".
	resource := rowsAfter("typing a resource", setFilter("#f-search", ""),
		chromedp.SendKeys(chromedp.CSS("#f-resource"), "shop/api"))
	both := rowsAfter("resource and layer", setFilter("#f-layer", "cluster"))
	groupsShown := get(t, ctx, "counting layer groups", chromedp.Evaluate[int](`document.querySelectorAll("#finding-list .group:not(.hidden)").length`))
	reset := rowsAfter("clearing the filters", setFilter("#f-layer", ""), setFilter("#f-resource", ""))
	shot := get(t, ctx, "taking a screenshot", chromedp.FullScreenshot(90))

	checks := []struct {
		what      string
		got, want int
	}{
		{"rows on load", rows, total},
		{"attack paths drawn", paths, len(r.Posture.Paths)},
		{"severity=critical", critical, wantCritical},
		{"layer=cloud", cloud, wantCloud},
		{"priority=P1", p1, wantP1},
		{"baseline=new", isNew, wantNew},
		{`search "privileged" (typed)`, search, wantSearch},
		{`resource "shop/api" (typed)`, resource, wantResource},
		{"resource and layer together", both, wantBoth},
		{"all filters cleared", reset, total},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d rows, want %d", c.what, c.got, c.want)
		}
	}
	if groupsShown != 1 {
		t.Errorf("filtered to one layer, %d layer groups are shown, want 1", groupsShown)
	}
	if steps < len(r.Posture.Paths)*2 {
		t.Errorf("%d chain steps drawn for %d paths", steps, len(r.Posture.Paths))
	}
	if want := fmt.Sprintf("%d of %d shown", wantCritical, total); shownText != want {
		t.Errorf("counter says %q, want %q", shownText, want)
	}
	if bodyClass != "js" {
		t.Errorf("body class = %q: the page script did not run", bodyClass)
	}

	artifacts := artifactDir(t)
	png := filepath.Join(artifacts, "fourc-report.jpg")
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", png)

	// Print: the print stylesheet hides the filters and opens every
	// finding; Chromium renders a PDF.
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	do(t, ctx, "emulating print media", media("print"))
	filtersDisplay := get(t, ctx, "reading the filters' print style",
		chromedp.Evaluate[string](`getComputedStyle(document.getElementById("filters")).display`))
	do(t, ctx, "ending print media", media(""))
	pdf := get(t, ctx, "printing", chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
	openRows := get(t, ctx, "counting open findings",
		chromedp.Evaluate[int](`document.querySelectorAll("#finding-list details[open]").length`))
	if filtersDisplay != "none" {
		t.Errorf("print media: filters display %q, want none", filtersDisplay)
	}
	if openRows != total {
		t.Errorf("after printing, %d of %d findings are open; beforeprint should open them all", openRows, total)
	}
	if len(pdf) < 1000 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Errorf("PrintToPDF gave %d bytes", len(pdf))
	}
	pdfPath := filepath.Join(artifacts, "fourc-report.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("pdf: %s", pdfPath)
	ev.check(t)
}

// TestHTMLWithoutJavaScript: with scripts disabled the overview, the
// attack paths and every finding are still there, and the filters, which
// need the script, are hidden.
func TestHTMLWithoutJavaScript(t *testing.T) {
	r := testPostureReport()
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, render(t, "html", Options{}, r), 0o644); err != nil {
		t.Fatal(err)
	}
	var ev pageEvents
	ctx := browser(t, chromedp.WithListener(ev.record))
	do(t, ctx, "loading the report with scripts off",
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		chromedp.Navigate((&url.URL{Scheme: "file", Path: file}).String()),
		chromedp.WaitVisible(chromedp.CSS("#overview")),
	)
	bodyClass := get(t, ctx, "reading the body class", chromedp.Evaluate[string](`document.body.className`))
	filtersDisplay := get(t, ctx, "reading the filters' style",
		chromedp.Evaluate[string](`getComputedStyle(document.getElementById("filters")).display`))
	cards := get(t, ctx, "counting score cards", chromedp.Evaluate[int](`document.querySelectorAll("#overview .card").length`))
	paths := get(t, ctx, "counting paths", chromedp.Evaluate[int](`document.querySelectorAll("#paths article.path").length`))
	rows := get(t, ctx, "counting rows", visibleRows())
	overview := get(t, ctx, "reading the overview", chromedp.Text(chromedp.CSS("#overview")))
	navLinks := get(t, ctx, "counting navigation links", chromedp.Evaluate[int](`Array.prototype.filter.call(document.querySelectorAll("#toc a"), function (a) { return a.getBoundingClientRect().width > 0 && document.querySelector(a.getAttribute("href")); }).length`))
	snippets := get(t, ctx, "counting snippets", chromedp.Evaluate[int](`document.querySelectorAll("#finding-list .snippet").length`))
	shot := get(t, ctx, "taking a screenshot", chromedp.CaptureScreenshot())

	if bodyClass != "nojs" || filtersDisplay != "none" {
		t.Errorf("without JavaScript: body class %q, filters display %q; want nojs and none", bodyClass, filtersDisplay)
	}
	if cards != 5 || paths != len(r.Posture.Paths) || rows != len(r.Findings) {
		t.Errorf("without JavaScript: %d score cards (want 5), %d paths (want %d), %d findings (want %d)",
			cards, paths, len(r.Posture.Paths), rows, len(r.Findings))
	}
	// Every link of the bar but the tool's name leads to a section.
	if want := 6 + len(htmlModel(r).Groups); navLinks < want {
		t.Errorf("without JavaScript: %d navigation links lead somewhere, want at least %d", navLinks, want)
	}
	if snippets == 0 {
		t.Errorf("without JavaScript: no source snippet in the findings")
	}
	for _, l := range []string{"Overall", "Code", "Container", "Cluster", "Cloud"} {
		if !strings.Contains(overview, l) {
			t.Errorf("overview lacks %s:\n%s", l, overview)
		}
	}
	png := filepath.Join(artifactDir(t), "fourc-report-nojs.png")
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot without JavaScript: %s", png)
	ev.check(t)
}

// layoutProbe measures the page as laid out: widths, the navigation bar,
// text that does not fit its box and card headers whose parts overlap.
// It returns a JSON object (see layout).
const layoutProbe = `(function () {
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) { s += "#" + el.id; }
    if (el.className && typeof el.className === "string") { s += "." + el.className.trim().split(/\s+/).join("."); }
    var t = (el.textContent || "").trim().slice(0, 40);
    return s + (t ? " \"" + t + "\"" : "");
  }
  var vw = window.innerWidth;
  var wide = [];
  document.querySelectorAll("body *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) { wide.push(name(el) + " spans " + Math.round(r.left) + ".." + Math.round(r.right)); }
  });
  var clipped = [];
  var text = ".card h3 .name, .card h3 .meta, .finding summary > *, .step .name, .step p, .path h3, .toc a, .group h3, .snippet .src, .finding .body dd, header .meta, td";
  document.querySelectorAll(text).forEach(function (el) {
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) { clipped.push(name(el) + " " + el.scrollWidth + ">" + el.clientWidth); }
  });
  var collide = [];
  document.querySelectorAll(".card h3").forEach(function (h) {
    var parts = h.querySelectorAll(".name, .meta");
    if (parts.length !== 2) { return; }
    var a = parts[0].getBoundingClientRect(), b = parts[1].getBoundingClientRect();
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) { collide.push(name(h)); }
  });
  var nav = document.getElementById("toc");
  var list = document.getElementById("finding-list");
  return JSON.stringify({
    innerWidth: vw, scrollWidth: document.documentElement.scrollWidth,
    pageHeight: document.documentElement.scrollHeight,
    listTop: list ? Math.round(list.getBoundingClientRect().top + window.scrollY) : -1,
    navPosition: nav ? getComputedStyle(nav).position : "",
    navHeight: nav ? Math.round(nav.getBoundingClientRect().height) : 0,
    navVisible: !!nav && nav.getBoundingClientRect().height > 0 && getComputedStyle(nav).visibility === "visible",
    wide: wide.slice(0, 10), clipped: clipped.slice(0, 10), collide: collide
  });
})()`

// layout is what layoutProbe returns.
type layout struct {
	InnerWidth, ScrollWidth, PageHeight, ListTop, NavHeight int
	NavPosition                                             string
	NavVisible                                              bool
	Wide, Clipped, Collide                                  []string
}

// viewport sets the tab's layout viewport.
func viewport(width, height int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: width, Height: height, DeviceScaleFactor: 1})
		return err
	})
}

// TestHTMLLayout lays the report out at 1400 and 400 pixels wide: nothing
// may be wider than the viewport, no text may overflow its box in the
// cards, rows, steps and navigation, card headers may not overlap, the
// navigation stays at the top while the page scrolls, and a click on the
// navigation's first layer brings that layer's first finding into view,
// below the bar.
func TestHTMLLayout(t *testing.T) {
	r := testPostureReport()
	// Long unbroken values: a module address, a message, a source line.
	long := "module.payments_workload_identity_role.aws_iam_role_policy.allow_everything_on_every_bucket_of_the_account"
	files := r.Files.(fstest.MapFS)
	files["infra/modules/role/main.tf"] = &fstest.MapFile{Data: []byte("resource \"aws_iam_role_policy\" \"this\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = [\"s3:*\",\"iam:PassRole\",\"ec2:RunInstances\"], Resource = [\"arn:aws:s3:::*\",\"arn:aws:iam::123456789012:role/*\"]}]})\n}\n")}
	r.Findings = append(r.Findings, metaS3Logging.Finding(finding.Resource{Kind: "aws_iam_role_policy", Name: long},
		finding.Location{Path: "infra/modules/role/main.tf", StartLine: 2}, check.Violation{Message: "policy " + long + " allows s3:* on arn:aws:s3:::*"}))
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, render(t, "html", Options{}, r), 0o644); err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: file}).String()
	m := htmlModel(r)
	first := m.Groups[0]
	var ev pageEvents
	ctx := browser(t, chromedp.WithListener(ev.record))
	for _, width := range []int64{1400, 400} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			do(t, ctx, "loading the report", viewport(width, 900), chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("#findings")))
			// Open every finding: the bodies (snippets, references) must
			// fit as well as the rows.
			do(t, ctx, "opening the findings", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(function (d) { d.open = true; })`))
			var l layout
			if err := json.Unmarshal([]byte(get(t, ctx, "measuring", chromedp.Evaluate[string](layoutProbe))), &l); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d px: page height %d, finding list at %d, navigation %d px high", width, l.PageHeight, l.ListTop, l.NavHeight)
			if l.InnerWidth != int(width) {
				t.Fatalf("viewport is %d px wide, want %d", l.InnerWidth, width)
			}
			if l.ScrollWidth > l.InnerWidth {
				t.Errorf("document is %d px wide in a %d px viewport", l.ScrollWidth, l.InnerWidth)
			}
			for _, w := range l.Wide {
				t.Errorf("wider than the viewport: %s", w)
			}
			for _, c := range l.Clipped {
				t.Errorf("text overflows its box: %s", c)
			}
			for _, c := range l.Collide {
				t.Errorf("card header parts overlap: %s", c)
			}
			if !l.NavVisible || l.NavPosition != "sticky" {
				t.Errorf("navigation: visible %v, position %q; want a visible sticky bar", l.NavVisible, l.NavPosition)
			}
			if l.NavHeight > 120 {
				t.Errorf("navigation is %d px high; it hides too much of a 900 px page", l.NavHeight)
			}

			// Scrolled half way, the bar is still at the top.
			navTop := get(t, ctx, "scrolling", chromedp.Evaluate[float64](`window.scrollTo(0, document.documentElement.scrollHeight / 2); document.getElementById("toc").getBoundingClientRect().top`))
			if navTop != 0 {
				t.Errorf("after scrolling, the navigation's top is at %v px, want 0", navTop)
			}

			// One click on the first layer's link shows its first finding.
			do(t, ctx, "closing the findings", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(function (d) { d.open = false; }); window.scrollTo(0, 0)`))
			do(t, ctx, "clicking the navigation", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#toc a[href="#%s"]`, first.ID))))
			pos := get(t, ctx, "locating the first finding", chromedp.Evaluate[string](fmt.Sprintf(`(function () {
  var f = document.querySelector("#%s .finding"), nav = document.getElementById("toc").getBoundingClientRect();
  var r = f.getBoundingClientRect();
  return [f.id, Math.round(r.top), Math.round(r.bottom), Math.round(nav.bottom), window.innerHeight, location.hash].join(" ");
})()`, first.ID)))
			var id, hash string
			var top, bottom, navBottom, height int
			if _, err := fmt.Sscan(pos, &id, &top, &bottom, &navBottom, &height, &hash); err != nil {
				t.Fatalf("reading %q: %v", pos, err)
			}
			if id != first.Findings[0].Anchor || hash != "#"+first.ID {
				t.Errorf("after the click: first finding %q, hash %q; want %q and #%s", id, hash, first.Findings[0].Anchor, first.ID)
			}
			if top < navBottom || bottom > height {
				t.Errorf("after the click, the first finding spans %d..%d px, the navigation ends at %d px, the viewport at %d px: it is not in view", top, bottom, navBottom, height)
			}
			shot := get(t, ctx, "taking a screenshot", chromedp.CaptureScreenshot())
			png := filepath.Join(artifactDir(t), fmt.Sprintf("fourc-report-%d.png", width))
			if err := os.WriteFile(png, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", png)
		})
	}
	ev.check(t)
}
