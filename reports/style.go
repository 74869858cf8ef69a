package reports

// reportStyle is the CSS the report page (HTML) and the matrix page (MatrixHTML) share, so
// that a status looks the same on both: the palette, the status badges (infrastructure
// errors striped, with a warning sign), the header, the labelled filter controls, failure
// summaries and evidence blocks.
const reportStyle = `:root{--pass:#1a7f37;--fail:#cf222e;--infra:#24292f;--xfail:#9a6700;--upass:#8250df;--skip:#6e7781;--na:#8c959f;--bg:#f6f8fa;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:20px 28px 16px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{font-size:20px;margin:0 0 4px}.meta{color:var(--muted);font-size:13px}
.tiles{display:flex;gap:8px;margin-top:14px;flex-wrap:wrap}
.tile{min-width:104px;padding:6px 12px;border:1px solid var(--line);border-left:5px solid var(--skip);border-radius:6px;background:#fff}
.tile b{display:block;font-size:20px;line-height:1.2}.tile span{font-size:12px;color:var(--muted)}
.tile.zero{opacity:.55}
.banner{margin-top:12px;padding:8px 12px;border-radius:6px;background:#fff8c5;border:1px solid #d4a72c}
.filters{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:10px 0 4px;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:var(--bg)}
.filters legend{font-weight:600;padding:0 4px}
.filters label.opt{display:inline-flex;align-items:center;gap:6px;padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer;user-select:none}
.filters label.opt:hover{border-color:#8c959f}.filters label.opt.empty{opacity:.5;cursor:default}
.filters .n{color:var(--muted);font-variant-numeric:tabular-nums}
.filters .dot{width:10px;height:10px;border-radius:2px;display:inline-block}
.filters .row2{flex-basis:100%;display:flex;gap:8px;align-items:center;margin-top:4px}
.filters .search{margin-left:auto;display:flex;gap:6px;align-items:center}
.filters input[type=search]{width:340px;padding:5px 8px;border:1px solid var(--line);border-radius:6px;font-size:14px}
.filters button{padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer;font-size:13px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.passed{--c:var(--pass)}.failed{--c:var(--fail)}.infra-error{--c:var(--infra)}.expected-failure{--c:var(--xfail)}.unexpected-pass{--c:var(--upass)}.skipped{--c:var(--skip)}.not-applicable{--c:var(--na)}
.badge{background:var(--c)}.tile{border-left-color:var(--c)}.dot{background:var(--c)}
.badge.infra-error{background:repeating-linear-gradient(135deg,#24292f 0 6px,#424a53 6px 12px);border-radius:3px}
.badge.infra-error::before{content:"\26A0\FE0E  "}
.req{color:var(--muted);font-size:12.5px}
.reason{color:var(--muted);font-size:12.5px;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.fsum{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;margin-top:4px;overflow-wrap:anywhere;border-left:3px solid var(--c,var(--line));padding-left:8px}
details summary{cursor:pointer;color:#0969da;font-size:12.5px;margin-top:4px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px;font-size:12px;max-height:480px;overflow:auto}
.hidden{display:none}
`
