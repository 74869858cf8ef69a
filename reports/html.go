package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
)

// Kinds of outcome the HTML report shows: the statuses, except that a spec failed or
// kept from running by the adapter or the harness is an infrastructure error, never a
// conformance failure or an ordinary skip.
const (
	kindInfraError = "infra-error"
)

// htmlKinds is the order of the kinds in the summary and the filters, with their labels.
func htmlKinds() []struct{ Kind, Label string } {
	return []struct{ Kind, Label string }{
		{string(StatusFailed), "Failed"},
		{kindInfraError, "Infrastructure error"},
		{string(StatusUnexpectedPass), "Unexpected pass"},
		{string(StatusExpectedFailure), "Expected failure"},
		{string(StatusSkipped), "Skipped"},
		{string(StatusNotApplicable), "n/a"},
		{string(StatusPassed), "Passed"},
	}
}

func specKind(s SpecResult) string {
	if s.InfrastructureFault() {
		return kindInfraError
	}
	return string(s.Status)
}

// needsAttention is true for what someone has to act on: an unexpected failure, an
// infrastructure error, an unexpected pass (a stale expectations file).
func needsAttention(s SpecResult) bool {
	switch specKind(s) {
	case string(StatusFailed), kindInfraError, string(StatusUnexpectedPass):
		return true
	}
	return false
}

// attentionShown is how many specs the "needs attention" section lists before it folds
// the rest away (an adapter that never started makes every spec an infrastructure error).
const attentionShown = 25

// HTML renders run as one self-contained page (no external resources): the run's
// summary, a "needs attention" section listing unexpected failures, infrastructure errors
// and unexpected passes first, then the conformance matrix grouped by profile and area,
// filterable by outcome (labelled checkboxes with counts) and by text, failures
// expandable. Infrastructure errors have a badge of their own, so an adapter crash never
// reads as a conformance failure.
func HTML(run *Run) ([]byte, error) {
	run = prepareMarkup(run)
	type group struct {
		Profile, Area string
		Specs         []SpecResult
		Passed        int
		Attention     int
	}
	index := map[string]*group{}
	var groups []*group
	kindCounts := map[string]int{}
	var attention []SpecResult
	for _, s := range run.Specs {
		key := s.Profile + "/" + s.Area
		g, ok := index[key]
		if !ok {
			g = &group{Profile: s.Profile, Area: s.Area}
			index[key] = g
			groups = append(groups, g)
		}
		g.Specs = append(g.Specs, s)
		if s.Status == StatusPassed {
			g.Passed++
		}
		if needsAttention(s) {
			g.Attention++
		}
		kindCounts[specKind(s)]++
	}
	order := map[string]int{"core": 0, "strict": 1, "fetch-api": 2, "snaps-compat": 3}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].Profile != groups[j].Profile {
			return order[groups[i].Profile] < order[groups[j].Profile]
		}
		return groups[i].Area < groups[j].Area
	})
	rank := map[string]int{}
	for i, k := range htmlKinds() {
		rank[k.Kind] = i
	}
	for _, g := range groups {
		for _, s := range g.Specs {
			if needsAttention(s) {
				attention = append(attention, s)
			}
		}
	}
	sort.SliceStable(attention, func(i, j int) bool { return rank[specKind(attention[i])] < rank[specKind(attention[j])] })
	type kindCount struct {
		Kind, Label string
		Count       int
	}
	var kinds []kindCount
	for _, k := range htmlKinds() {
		kinds = append(kinds, kindCount{k.Kind, k.Label, kindCounts[k.Kind]})
	}
	shown, folded := attention, []SpecResult(nil)
	if len(attention) > attentionShown {
		shown, folded = attention[:attentionShown], attention[attentionShown:]
	}
	var buf bytes.Buffer
	err := htmlTemplate.Execute(&buf, map[string]any{
		"Run": run, "Groups": groups, "Kinds": kinds, "Attention": attention,
		"AttentionShown": shown, "AttentionFolded": folded, "KindCounts": kindCounts,
	})
	if err != nil {
		return nil, fmt.Errorf("render HTML report: %w", err)
	}
	return buf.Bytes(), nil
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"text":  failureText,
	"dur":   func(s SpecResult) string { return s.Duration.Round(1e6).String() },
	"kind":  specKind,
	"label": kindLabel,
}).Parse(htmlPage + htmlRow))

func kindLabel(kind string) string {
	for _, k := range htmlKinds() {
		if k.Kind == kind {
			return k.Label
		}
	}
	return kind
}

// htmlPage is the page's template: styles and script are inline, so the file works when
// opened from a CI artifact without network access.
const htmlPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>conform — {{.Run.Implementation.Name}}</title>
<style>
` + reportStyle + `main{padding:8px 28px 40px}
h2{font-size:16px;margin:22px 0 8px}
.attention{border:2px solid var(--fail);border-radius:8px;padding:4px 14px 10px;margin-top:16px}
.attention h2{margin-top:8px;color:var(--fail)}
.attention.ok{border-color:var(--pass)}.attention.ok h2{color:var(--pass)}
.attention p{margin:4px 0;color:var(--muted)}
#shown{color:var(--muted);font-size:13px;margin:4px 2px}
section.group{margin:18px 0}
section.group h3{font-size:15px;margin:0 0 6px;display:flex;gap:8px;align-items:baseline}
h3 .profile{font-size:12px;padding:1px 8px;border-radius:10px;background:#ddf4ff;color:#0969da}
h3 .count{font-weight:400;color:var(--muted);font-size:12px}h3 .count.bad{color:var(--fail);font-weight:600}
table{border-collapse:collapse;width:100%}td{border-top:1px solid var(--line);padding:6px 8px;vertical-align:top}
td.id a{color:inherit}td.id{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;width:100px}
td.st{width:170px}td.t{width:64px;color:var(--muted);font-size:12px;text-align:right}
tr:target td{background:#fff8c5}
</style></head><body>
<header>
<h1>{{.Run.Implementation.Name}} {{.Run.Implementation.Version}}</h1>
<div class="meta">{{if .Run.Implementation.Adapter}}adapter <code>{{.Run.Implementation.Adapter}}</code> · {{end}}profiles {{range $i, $p := .Run.Profiles}}{{if $i}}, {{end}}{{$p}}{{end}}{{if .Run.LabelFilter}} · label filter <code>{{.Run.LabelFilter}}</code>{{end}}{{if .Run.Shard}} · shard {{.Run.Shard}}{{end}}{{if .Run.Grant}} · granted only <code>{{range $i, $g := .Run.Grant}}{{if $i}}, {{end}}{{$g}}{{end}}</code>{{end}} · {{.Run.StartedAt.Format "2006-01-02 15:04:05 MST"}} · {{len .Run.Specs}} specs</div>
<div class="tiles">{{range .Kinds}}<div class="tile {{.Kind}}{{if not .Count}} zero{{end}}"><b>{{.Count}}</b><span>{{.Label}}</span></div>{{end}}</div>
{{if .Run.Partial}}<div class="banner"><strong>Partial report:</strong> {{.Run.PartialReason}} — the specs of the missing shards are not in this report.</div>{{end}}
{{if .Run.Warnings}}<div class="banner"><strong>Protocol warnings ({{len .Run.Warnings}}):</strong> the implementation broke the adapter protocol without failing a spec.<ul>{{range .Run.Warnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Run.Interrupted}}<div class="banner"><strong>Interrupted:</strong> {{.Run.InterruptReason}} — specs that did not run are marked skipped, or infrastructure error when the adapter kept them from running.</div>{{end}}
</header>
<main>
{{if .Attention}}<section class="attention" id="attention">
<h2>Needs attention ({{len .Attention}})</h2>
<p>Unexpected failures, infrastructure errors (the adapter or harness failed, not the implementation's behaviour) and unexpected passes (remove them from the expectations file).</p>
<table>{{range .AttentionShown}}{{template "arow" .}}{{end}}</table>
{{if .AttentionFolded}}<details><summary>{{len .AttentionFolded}} more</summary><table>{{range .AttentionFolded}}{{template "arow" .}}{{end}}</table></details>{{end}}
</section>{{else}}<section class="attention ok" id="attention"><h2>Nothing needs attention</h2><p>No unexpected failure, no infrastructure error, no unexpected pass.{{with index .KindCounts "expected-failure"}} The {{.}} expected failures are known gaps listed in the expectations file.{{end}}</p></section>{{end}}

<h2>All specs</h2>
<fieldset class="filters" id="filters"><legend>Show</legend>
{{range .Kinds}}<label class="opt{{if not .Count}} empty{{end}}"><input type="checkbox" name="kind" value="{{.Kind}}" checked{{if not .Count}} disabled{{end}}><span class="dot {{.Kind}}"></span>{{.Label}} <span class="n">({{.Count}})</span></label>
{{end}}<div class="row2"><button type="button" id="problems">Only what needs attention</button><button type="button" id="all">Show all</button>
<span class="search"><label for="q">Text filter</label><input type="search" id="q" placeholder="ID, title, requirement, area…"></span></div>
</fieldset>
<div id="shown" aria-live="polite"></div>
{{range .Groups}}<section class="group" data-group>
<h3><span class="profile">{{.Profile}}</span>{{.Area}} <span class="count">{{.Passed}}/{{len .Specs}} passed</span>{{if .Attention}} <span class="count bad">{{.Attention}} need attention</span>{{end}}</h3>
<table>{{range .Specs}}{{template "row" .}}{{end}}</table></section>{{end}}
</main>
<script>
(function(){
  var q=document.getElementById('q'), boxes=[].slice.call(document.querySelectorAll('#filters input[name=kind]'));
  var rows=[].slice.call(document.querySelectorAll('section[data-group] tr'));
  function apply(){
    var on={}, needle=q.value.toLowerCase(), n=0;
    boxes.forEach(function(b){ on[b.value]=b.checked; });
    document.querySelectorAll('section[data-group]').forEach(function(sec){
      var shown=0;
      sec.querySelectorAll('tr').forEach(function(tr){
        var ok=on[tr.dataset.kind]&&tr.dataset.text.toLowerCase().indexOf(needle)>=0;
        tr.classList.toggle('hidden',!ok); if(ok) shown++;
      });
      sec.classList.toggle('hidden',shown===0); n+=shown;
    });
    document.getElementById('shown').textContent='Showing '+n+' of '+rows.length+' specs';
  }
  function set(kinds){ boxes.forEach(function(b){ if(!b.disabled) b.checked=!kinds||kinds.indexOf(b.value)>=0; }); apply(); }
  boxes.forEach(function(b){ b.addEventListener('change',apply); });
  q.addEventListener('input',apply);
  document.getElementById('all').addEventListener('click',function(){ set(null); });
  document.getElementById('problems').addEventListener('click',function(){ set(['failed','infra-error','unexpected-pass']); });
  apply();
})();
</script>
</body></html>
`

// htmlRow is the row of one spec in the matrix, with its failure's details, and
// htmlAttentionRow its row in the needs-attention section, which links to the former
// (the details are in the page once, however many specs an adapter crash hits).
const htmlRow = `{{define "arow"}}<tr class="{{kind .}}">
<td class="id"><a href="#spec-{{.ID}}">{{.ID}}</a></td><td class="st"><span class="badge {{kind .}}">{{label (kind .)}}</span></td>
<td><strong>{{.Title}}</strong>
{{if .Failure}}<div class="fsum">{{.Failure.Summary}}</div>{{end}}
{{if .Expectation}}<div class="reason">{{if eq .Status "unexpected-pass"}}Listed as an expected failure, but passed: {{else if eq .Status "passed"}}Fails in some runs (passed in this one): {{else}}Expected to fail: {{end}}{{.Expectation.Reason}}</div>{{end}}</td>
<td class="t">{{dur .}}</td></tr>{{end}}{{/* no text between the definitions: it would end the page */}}{{define "row"}}<tr class="{{kind .}}" id="spec-{{.ID}}" data-kind="{{kind .}}" data-text="{{.ID}} {{.Title}} {{.Requirement}} {{.Area}} {{.Profile}}">
<td class="id">{{.ID}}</td><td class="st"><span class="badge {{kind .}}">{{label (kind .)}}</span></td>
<td><strong>{{.Title}}</strong><div class="req">{{.Requirement}}</div>
{{if .Note}}<div class="reason">Not observable here: {{.Note}}</div>{{end}}
{{if .Needs}}<div class="reason">{{.NotApplicableReason}}</div>{{end}}
{{if .Failure}}<div class="fsum">{{.Failure.Summary}}</div>{{end}}
{{if .Expectation}}<div class="reason">{{if eq .Status "unexpected-pass"}}Listed as an expected failure, but passed: {{else if eq .Status "passed"}}Fails in some runs (passed in this one): {{else}}Expected to fail: {{end}}{{.Expectation.Reason}}{{if .Expectation.Link}} (<a href="{{.Expectation.Link}}">link</a>){{end}}</div>{{end}}
{{if .Failure}}<details><summary>failure details</summary>{{if .Expectation}}<p class="req">{{.Expectation.Reason}}</p>{{end}}<pre>{{text .}}</pre></details>{{end}}</td>
<td class="t">{{dur .}}</td></tr>{{end}}`
