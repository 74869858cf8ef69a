package reports

// matrixPage is the matrix page's template: styles and script are inline, so the file
// works opened from disk or from a CI artifact without network access. Evidence is in
// the page once per cell, hidden until its cell is clicked.
const matrixPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>conform — conformance matrix</title>
<style>
` + reportStyle + `main{padding:8px 28px 40px}
#shown{color:var(--muted);font-size:13px;margin:4px 2px 10px}
.filters .fgroup{flex-basis:100%;display:flex;flex-wrap:wrap;gap:6px 8px;align-items:center}
.filters .flabel{width:64px;font-weight:600;font-size:13px}
table.matrix{border-collapse:separate;border-spacing:0;width:100%;table-layout:fixed}
table.matrix col.spec{width:34%}
.matrix th,.matrix td{padding:6px 8px;vertical-align:top;text-align:left}
.matrix td{border-top:1px solid var(--line)}
.matrix thead tr.impls th{background:#fff;border-bottom:2px solid var(--line)}
.matrix thead th.spec{font-size:13px;color:var(--muted);font-weight:600;vertical-align:bottom}
.impl .iname{font-size:15px;font-weight:700;overflow-wrap:anywhere}
.impl .iver{color:var(--muted);font-size:12px;font-weight:400;overflow-wrap:anywhere}
.impl .idesc{font-size:12.5px;font-weight:400;margin-top:2px}
.impl .itot{margin-top:6px;font-weight:400;font-size:13px}.impl .itot b{font-size:15px}
.bar{display:flex;height:6px;border-radius:3px;overflow:hidden;background:var(--line);margin:4px 0 6px}
.bar span{display:block;background:var(--c)}
.prow{display:flex;justify-content:space-between;font-weight:400;font-size:12.5px;font-variant-numeric:tabular-nums;border-top:1px dotted var(--line)}
.prow .bad{color:var(--fail);font-weight:600}
.impl a{font-weight:400;font-size:12.5px}
.matrix tr.tp th,.matrix tr.tp td{background:var(--bg);border-bottom:1px solid var(--line);font-size:12.5px;font-weight:400;color:inherit}
tr.tp th b{display:block;font-size:13px}
tr.tp .fig{font-variant-numeric:tabular-nums}tr.tp .fig b{font-size:14px}
tr.tp .ratio{color:var(--muted)}
tbody tr.areahead th{background:var(--bg);border-top:2px solid var(--line);font-size:14px;padding-top:8px}
tbody tr.areahead th.acount{font-weight:400;color:var(--muted);font-size:12.5px;font-variant-numeric:tabular-nums}
tr.areahead .count{font-weight:400;color:var(--muted);font-size:12px;margin-left:6px}
td.spec .id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;margin-right:4px}
.profile{font-size:11px;padding:0 6px;border-radius:10px;background:#ddf4ff;color:#0969da;margin-right:4px;white-space:nowrap}
td.spec .title{font-size:13.5px}
button.badge{border:0;cursor:pointer;font:inherit;font-size:12px;font-weight:600;line-height:1.5}
button.badge::after{content:" \25B8"}button.badge[aria-expanded=true]::after{content:" \25BE"}
button.badge:focus-visible{outline:2px solid #0969da;outline-offset:2px}
.absent{--c:transparent}.badge.absent{color:var(--muted);border:1px dashed var(--line)}
tr.ev>td{background:var(--bg);border-top:0;padding:2px 8px 8px}
.evbox{border-left:4px solid var(--c);background:#fff;border-radius:4px;padding:8px 12px;margin:6px 0}
.evbox h4{margin:0 0 4px;font-size:13.5px;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.evbox .why{margin:6px 0;font-size:13px}
.evbox pre{max-height:360px}
tr.row.differ td.spec{box-shadow:inset 3px 0 0 #d4a72c}
</style></head><body>
<header>
<h1>Conformance matrix</h1>
<div class="meta">{{len .Columns}} implementations · {{.Specs}} specs · profiles {{range $i, $p := .Profiles}}{{if $i}}, {{end}}{{$p}}{{end}} · reports of {{.FirstDate}}{{if ne .FirstDate .LastDate}} to {{.LastDate}}{{end}} · a spec is marked at its left edge when the implementations differ on it</div>
</header>
<main>
<fieldset class="filters" id="filters"><legend>Show specs</legend>
<div class="fgroup"><span class="flabel">Status</span>{{range .KindFilters}}<label class="opt{{if not .Count}} empty{{end}}"><input type="checkbox" name="kind" value="{{.Value}}" checked{{if not .Count}} disabled{{end}}><span class="dot {{.Value}}"></span>{{.Label}} <span class="n">({{.Count}})</span></label>
{{end}}</div>
<div class="fgroup"><span class="flabel">Profile</span>{{range .ProfileFilters}}<label class="opt"><input type="checkbox" name="profile" value="{{.Value}}" checked>{{.Label}} <span class="n">({{.Count}})</span></label>
{{end}}</div>
<div class="fgroup"><span class="flabel">Area</span>{{range .AreaFilters}}<label class="opt"><input type="checkbox" name="area" value="{{.Value}}" checked>{{.Label}} <span class="n">({{.Count}})</span></label>
{{end}}</div>
<div class="row2"><label class="opt"><input type="checkbox" id="differ">Only where implementations differ</label>
<button type="button" id="problems">Only failures and errors</button><button type="button" id="all">Show all</button>
<span class="search"><label for="q">Text filter</label><input type="search" id="q" placeholder="ID, title, requirement, area…"></span></div>
</fieldset>
<div id="shown" aria-live="polite">Status: a spec is shown when any implementation has a status that is checked.</div>
<table class="matrix" id="matrix">
<colgroup><col class="spec">{{range .Columns}}<col>{{end}}</colgroup>
<thead><tr class="impls"><th class="spec">Spec<br>(click a status for its evidence)</th>{{range .Columns}}{{$t := .Totals}}<th class="impl" scope="col">
<div class="iname">{{.Input.Run.ColumnName}}</div><div class="iver">{{.Input.Run.Implementation.Version}}</div>
{{if .Input.Description}}<div class="idesc">{{code .Input.Description}}</div>{{else if not .Input.Run.Implementation.Adapter}}<div class="idesc">embedded, in process</div>{{end}}
<div class="itot"><b>{{$t.Passed}}</b> passed · <b>{{$t.Failed}}</b> failed{{if $t.NotRun}} · <b>{{$t.NotRun}}</b> not run{{end}}{{if $t.NotApplicable}} · <b>{{$t.NotApplicable}}</b> n/a{{end}}</div>
<div class="bar" role="img" aria-label="{{$t.Passed}} passed, {{$t.Failed}} failed, {{$t.NotRun}} not run"><span class="passed" style="flex-grow:{{$t.Passed}}"></span><span class="failed" style="flex-grow:{{$t.Failed}}"></span><span class="skipped" style="flex-grow:{{$t.NotRun}}"></span></div>
{{range $t.Profiles}}{{if or .Passed .Failed .NotRun}}<div class="prow"><span>{{.Profile}}</span><span>{{.Passed}}/{{add (add .Passed .Failed) .NotRun}}{{if .Failed}} <span class="bad">{{.Failed}} failed</span>{{end}}</span></div>{{end}}{{end}}
{{if .Input.Run.Interrupted}}<div class="banner">Interrupted: {{.Input.Run.InterruptReason}}</div>{{end}}{{if .Input.Run.Partial}}<div class="banner">Partial: {{.Input.Run.PartialReason}}</div>{{end}}
{{if .Input.ReportLink}}<a href="{{.Input.ReportLink}}">full report</a>{{end}}
</th>{{end}}</tr>
{{if .Measured}}<tr class="tp"><th class="spec"><b>Throughput</b>fetch + text() of a 1 KiB body through the mock network, requests per second (median); in parentheses the time per fetch as a multiple of a plain Go HTTP client's, measured in the same run</th>{{range .Columns}}<td>{{if .Input.Throughput}}{{with .Sequential}}<div class="fig"><b>{{rps .Implementation.RequestsPerSecond}}</b>/s one at a time <span class="ratio">({{ratio .CostRatio}})</span></div>{{end}}{{with .Concurrent}}<div class="fig"><b>{{rps .Implementation.RequestsPerSecond}}</b>/s, {{.Concurrency}} at once <span class="ratio">({{ratio .CostRatio}})</span></div>{{end}}<div class="ratio">{{.Input.Throughput.Machine}}, {{.Input.Throughput.MeasuredAt.Format "2006-01-02"}}</div>{{else}}<span class="ratio">not measured</span>{{end}}</td>{{end}}</tr>{{end}}
</thead>
{{range .Areas}}<tbody data-area="{{.Area}}">
<tr class="areahead"><th class="spec" scope="rowgroup">{{.Area}}<span class="count">{{len .Rows}} specs</span></th>{{range .Counts}}<th class="acount">{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr class="row{{if .Differ}} differ{{end}}" data-profile="{{.Spec.Profile}}" data-area="{{.Spec.Area}}" data-kinds="{{.Kinds}}" data-differ="{{if .Differ}}1{{end}}" data-text="{{.Spec.ID}} {{.Spec.Title}} {{.Spec.Requirement}} {{.Spec.Area}} {{.Spec.Profile}}">
<td class="spec"><span class="id">{{.Spec.ID}}</span><span class="profile">{{.Spec.Profile}}</span><span class="title">{{.Spec.Title}}</span></td>
{{range .Cells}}<td class="cell">{{if .Detail}}<button type="button" class="badge {{.Kind}}" aria-expanded="false" aria-controls="{{cellID .Spec.ID .Col}}" title="{{.Name}}: {{label .Kind}}{{with .Reason}} — {{.}}{{end}}">{{label .Kind}}</button>{{else}}<span class="badge {{.Kind}}" title="{{.Name}}: {{label .Kind}}">{{label .Kind}}</span>{{end}}</td>{{end}}</tr>
<tr class="ev" hidden><td colspan="{{add (len .Cells) 1}}">{{range .Cells}}{{if .Detail}}<div class="evbox {{.Kind}}" id="{{cellID .Spec.ID .Col}}" hidden>
<h4><span class="badge {{.Kind}}">{{label .Kind}}</span>{{.Name}} · {{.Spec.ID}} {{.Spec.Title}}</h4>
<div class="req">{{.Spec.Requirement}}</div>
{{if .Spec.Failure}}<div class="fsum">{{.Spec.Failure.Summary}}</div>{{end}}
{{if .Spec.Expectation}}<p class="why">{{if eq .Kind "unexpected-pass"}}Listed as an expected failure, but passed: remove it from the expectations file. {{end}}<b>Why it is expected to fail:</b> {{.Spec.Expectation.Reason}}{{if .Spec.Expectation.Link}} (<a href="{{.Spec.Expectation.Link}}">link</a>){{end}}</p>{{end}}
{{if .Spec.Failure}}<details><summary>message, evidence and adapter log</summary><pre>{{text .Spec}}</pre></details>{{end}}
{{if .Link}}<a href="{{.Link}}">this spec in {{.Name}}'s report</a>{{end}}
</div>{{end}}{{end}}</td></tr>
{{end}}</tbody>
{{end}}</table>
</main>
<script>
(function(){
  var table=document.getElementById('matrix'), q=document.getElementById('q'), differ=document.getElementById('differ');
  var rows=[].slice.call(table.querySelectorAll('tr.row'));
  var boxes={kind:[],profile:[],area:[]};
  document.querySelectorAll('#filters input[type=checkbox][name]').forEach(function(b){ boxes[b.name].push(b); b.addEventListener('change',apply); });
  function checked(name){ var on={}; boxes[name].forEach(function(b){ on[b.value]=b.checked; }); return on; }
  function apply(){
    var kinds=checked('kind'), profiles=checked('profile'), areas=checked('area'), needle=q.value.toLowerCase(), n=0;
    table.querySelectorAll('tbody[data-area]').forEach(function(tb){
      var shown=0;
      tb.querySelectorAll('tr.row').forEach(function(tr){
        var ok=profiles[tr.dataset.profile]&&areas[tr.dataset.area]&&
          tr.dataset.kinds.split(' ').some(function(k){ return kinds[k]; })&&
          (!differ.checked||tr.dataset.differ==='1')&&tr.dataset.text.toLowerCase().indexOf(needle)>=0;
        tr.classList.toggle('hidden',!ok); tr.nextElementSibling.classList.toggle('hidden',!ok);
        if(ok) shown++;
      });
      tb.classList.toggle('hidden',shown===0); n+=shown;
    });
    document.getElementById('shown').textContent='Showing '+n+' of '+rows.length+' specs. A spec is shown when any implementation has a checked status.';
  }
  table.addEventListener('click',function(e){
    var b=e.target.closest('button[aria-controls]'); if(!b) return;
    var box=document.getElementById(b.getAttribute('aria-controls')), open=b.getAttribute('aria-expanded')!=='true';
    b.setAttribute('aria-expanded',String(open)); box.hidden=!open;
    var ev=box.closest('tr.ev'); ev.hidden=!ev.querySelector('.evbox:not([hidden])');
  });
  document.getElementById('all').addEventListener('click',function(){
    Object.keys(boxes).forEach(function(k){ boxes[k].forEach(function(b){ if(!b.disabled) b.checked=true; }); });
    differ.checked=false; q.value=''; apply();
  });
  document.getElementById('problems').addEventListener('click',function(){
    boxes.kind.forEach(function(b){ if(!b.disabled) b.checked=['failed','infra-error','unexpected-pass','expected-failure'].indexOf(b.value)>=0; }); apply();
  });
  differ.addEventListener('change',apply); q.addEventListener('input',apply);
  apply();
})();
</script>
</body></html>
`
