package reports

import _ "embed"

// ReportSchema is the JSON Schema of report.json.
//
//go:embed report.schema.json
var ReportSchema []byte
