package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
)

// HTML renders run as one self-contained page: a summary, and the conformance matrix
// grouped by profile and area, filterable by text and status, with failures expandable.
func HTML(run *Run) ([]byte, error) {
	run = prepareMarkup(run)
	type group struct {
		Profile, Area string
		Specs         []SpecResult
		Counts        Counts
	}
	index := map[string]*group{}
	var groups []*group
	for _, s := range run.Specs {
		key := s.Profile + "/" + s.Area
		g, ok := index[key]
		if !ok {
			g = &group{Profile: s.Profile, Area: s.Area, Counts: Counts{}}
			index[key] = g
			groups = append(groups, g)
		}
		g.Specs = append(g.Specs, s)
		g.Counts[s.Status]++
	}
	order := map[string]int{"core": 0, "strict": 1, "fetch-api": 2, "snaps-compat": 3}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].Profile != groups[j].Profile {
			return order[groups[i].Profile] < order[groups[j].Profile]
		}
		return groups[i].Area < groups[j].Area
	})
	var buf bytes.Buffer
	err := htmlTemplate.Execute(&buf, map[string]any{
		"Run": run, "Groups": groups, "Counts": run.Count(),
		"Statuses": []Status{StatusPassed, StatusFailed, StatusExpectedFailure, StatusUnexpectedPass, StatusSkipped},
	})
	if err != nil {
		return nil, fmt.Errorf("render HTML report: %w", err)
	}
	return buf.Bytes(), nil
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"text": failureText,
	"dur":  func(s SpecResult) string { return s.Duration.Round(1e6).String() },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>conform — {{.Run.Implementation.Name}}</title>
<style>
:root{--pass:#1a7f37;--fail:#cf222e;--xfail:#9a6700;--upass:#8250df;--skip:#6e7781;--bg:#f6f8fa;--line:#d0d7de}
*{box-sizing:border-box}body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:20px 28px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{font-size:20px;margin:0 0 4px}.meta{color:#57606a;font-size:13px}
.summary{display:flex;gap:10px;margin-top:14px;flex-wrap:wrap}
.chip{padding:6px 12px;border-radius:16px;color:#fff;font-weight:600;cursor:pointer;user-select:none;border:2px solid transparent}
.chip.off{opacity:.35}.chip.passed{background:var(--pass)}.chip.failed{background:var(--fail)}.chip.expected-failure{background:var(--xfail)}.chip.unexpected-pass{background:var(--upass)}.chip.skipped{background:var(--skip)}
.banner{margin-top:12px;padding:8px 12px;border-radius:6px;background:#fff8c5;border:1px solid #d4a72c}
main{padding:16px 28px}input[type=search]{width:100%;max-width:520px;padding:8px 10px;border:1px solid var(--line);border-radius:6px;font-size:14px}
section{margin:22px 0}h2{font-size:15px;margin:0 0 8px;display:flex;gap:8px;align-items:baseline}
h2 .profile{font-size:12px;padding:1px 8px;border-radius:10px;background:#ddf4ff;color:#0969da}
h2 .count{font-weight:400;color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%}td{border-top:1px solid var(--line);padding:6px 8px;vertical-align:top}
td.id{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;width:110px}
td.st{width:130px}td.t{width:70px;color:#57606a;font-size:12px;text-align:right}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.badge.passed{background:var(--pass)}.badge.failed{background:var(--fail)}.badge.expected-failure{background:var(--xfail)}.badge.unexpected-pass{background:var(--upass)}.badge.skipped{background:var(--skip)}
.req{color:#57606a;font-size:12.5px}details summary{cursor:pointer;color:#0969da;font-size:12.5px;margin-top:4px}
pre{white-space:pre-wrap;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px;font-size:12px;max-height:480px;overflow:auto}
.fsum{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;margin-top:4px;overflow-wrap:anywhere}
.hidden{display:none}
</style></head><body>
<header>
<h1>{{.Run.Implementation.Name}} {{.Run.Implementation.Version}}</h1>
<div class="meta">{{if .Run.Implementation.Adapter}}adapter <code>{{.Run.Implementation.Adapter}}</code> · {{end}}profiles {{range $i, $p := .Run.Profiles}}{{if $i}}, {{end}}{{$p}}{{end}}{{if .Run.Shard}} · shard {{.Run.Shard}}{{end}} · {{.Run.StartedAt.Format "2006-01-02 15:04:05 MST"}} · {{len .Run.Specs}} specs</div>
<div class="summary">{{range .Statuses}}<span class="chip {{.}}" data-status="{{.}}">{{index $.Counts .}} {{.}}</span>{{end}}</div>
{{if .Run.Partial}}<div class="banner"><strong>Partial report:</strong> {{.Run.PartialReason}} — the specs of the missing shards are not in this report.</div>{{end}}
{{if .Run.Interrupted}}<div class="banner"><strong>Interrupted:</strong> {{.Run.InterruptReason}} — specs that did not run are marked skipped.</div>{{end}}
</header>
<main>
<input type="search" id="q" placeholder="Filter by ID, title, requirement, area…" aria-label="filter">
{{range .Groups}}<section data-group>
<h2><span class="profile">{{.Profile}}</span>{{.Area}} <span class="count">{{.Counts.Passed}}/{{len .Specs}} passed</span></h2>
<table>{{range .Specs}}<tr data-status="{{.Status}}" data-text="{{.ID}} {{.Title}} {{.Requirement}} {{.Area}} {{.Profile}}">
<td class="id">{{.ID}}</td><td class="st"><span class="badge {{.Status}}">{{.Status}}</span></td>
<td><strong>{{.Title}}</strong><div class="req">{{.Requirement}}</div>
{{if .Expectation}}<div class="req">Expected to fail: {{.Expectation.Reason}}{{if .Expectation.Link}} (<a href="{{.Expectation.Link}}">link</a>){{end}}</div>{{end}}
{{if .Failure}}<div class="fsum">{{.Failure.Summary}}</div><details{{if eq .Status "failed"}} open{{end}}><summary>failure details</summary><pre>{{text .}}</pre></details>{{end}}</td>
<td class="t">{{dur .}}</td></tr>{{end}}</table></section>{{end}}
</main>
<script>
(function(){
  var q=document.getElementById('q'), off={};
  function apply(){
    var needle=q.value.toLowerCase();
    document.querySelectorAll('section[data-group]').forEach(function(sec){
      var shown=0;
      sec.querySelectorAll('tr').forEach(function(tr){
        var ok=!off[tr.dataset.status]&&tr.dataset.text.toLowerCase().indexOf(needle)>=0;
        tr.classList.toggle('hidden',!ok); if(ok) shown++;
      });
      sec.classList.toggle('hidden',shown===0);
    });
  }
  q.addEventListener('input',apply);
  document.querySelectorAll('.chip').forEach(function(c){c.addEventListener('click',function(){
    off[c.dataset.status]=!off[c.dataset.status]; c.classList.toggle('off',off[c.dataset.status]); apply();
  });});
})();
</script>
</body></html>
`))
