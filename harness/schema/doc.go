// Package schema holds the JSON Schemas (draft 2020-12) of every message of the adapter
// protocol, one file per message (harness/schema/*.json, readable by adapter authors in any
// language), and a small validator for the subset of JSON Schema those files use, so the
// harness and `conform adapter check` can check messages without a schema library.
//
//	problems := schema.Validate(schema.Response("evaluate"), line)
//
// Each problem names the JSON pointer of the offending value and what was expected.
package schema
