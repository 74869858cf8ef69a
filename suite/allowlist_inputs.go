package suite

// inputFormSpecs are the forms a fetch input takes (string, URL, Request, objects with a
// stringifier) and the spellings of a denied host; every one must be denied (core).
func inputFormSpecs() []Spec {
	return []Spec{
		{
			Requirement: Requirement{
				ID: "ALLOW-003", Title: "denied host as a URL object",
				Requirement: "fetch(new URL(\"http://evil.test/anything\")) must reject and no host may be contacted: URL inputs are checked",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "url", url: "http://evil.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-004", Title: "denied host as a Request",
				Requirement: "fetch(new Request(\"http://evil.test/anything\")) must reject and no host may be contacted: Request inputs are checked",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "request", url: "http://evil.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-005", Title: "denied host as a Request of a Request",
				Requirement: "fetch(new Request(new Request(\"http://evil.test/anything\"))) must reject and no host may be contacted: a Request made from a Request keeps its URL",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "request-twice", url: "http://evil.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-006", Title: "denied host behind a stringifier",
				Requirement: "fetch({toString() { return \"http://evil.test/anything\" }}) must reject and no host may be contacted: objects are converted with toString, as fetch does",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "object", url: "http://evil.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-007", Title: "denied host behind Symbol.toPrimitive",
				Requirement: "fetch({[Symbol.toPrimitive]() { return \"http://evil.test/anything\" }}) must reject and no host may be contacted: objects are converted with Symbol.toPrimitive, as fetch does",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "primitive", url: "http://evil.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-008", Title: "URL object moved to a denied host",
				Requirement: "A URL object created for an allowed host and then given a denied href must be denied when fetched: the URL's current value is what counts.",
				Rationale:   "URL objects are mutable; a check of where it pointed when created is no check.",
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "mutated-url", url: "http://evil.test/anything", first: "http://allowed.test/", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-009", Title: "subdomain of an allowed host",
				Requirement: "fetch(\"http://a.allowed.test/anything\") must reject and no host may be contacted: matching is exact, so a subdomain of an allowed host is not allowed",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://a.allowed.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-010", Title: "allowed host as a prefix of a denied one",
				Requirement: "fetch(\"http://allowed.test.evil.test/anything\") must reject and no host may be contacted: matching is on the whole hostname, not a prefix",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test.evil.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-011", Title: "allowed host as a suffix of a denied one",
				Requirement: "fetch(\"http://evilallowed.test/anything\") must reject and no host may be contacted: matching is on the whole hostname, not a suffix",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evilallowed.test/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-012", Title: "allowed host in the path",
				Requirement: "fetch(\"http://evil.test/allowed.test\") must reject and no host may be contacted: the hostname is what is checked, not the URL text",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil.test/allowed.test", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-013", Title: "allowed host in the query",
				Requirement: "fetch(\"http://evil.test/anything?host=allowed.test\") must reject and no host may be contacted: the hostname is what is checked, not the URL text",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil.test/anything?host=allowed.test", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-014", Title: "allowed host in the fragment",
				Requirement: "fetch(\"http://evil.test/anything#allowed.test\") must reject and no host may be contacted: the hostname is what is checked, not the URL text",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil.test/anything#allowed.test", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-015", Title: "denied host in upper case",
				Requirement: "fetch(\"http://EVIL.TEST/anything\") must reject and no host may be contacted: hostnames are compared after canonicalisation to lower case",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://EVIL.TEST/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-016", Title: "denied host with a trailing dot",
				Requirement: "fetch(\"http://evil.test./anything\") must reject and no host may be contacted: the trailing-dot form of a host is still not an allowed host",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil.test./anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-017", Title: "denied host with an explicit port",
				Requirement: "fetch(\"http://evil.test:80/anything\") must reject and no host may be contacted: ports are ignored, in both directions",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil.test:80/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-018", Title: "file: URL",
				Requirement: "fetch(\"file:///etc/passwd\") must reject and no host may be contacted: file: has no host to allow",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "file:///etc/passwd", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-019", Title: "data: URL",
				Requirement: "fetch(\"data:text/plain,hello\") must reject and no host may be contacted: data: has no host to allow",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "data:text/plain,hello", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-020", Title: "blob: URL",
				Requirement: "fetch(\"blob:http://allowed.test/0b1d7c6e-0000-4000-8000-000000000000\") must reject and no host may be contacted: blob: has no host to allow, even when it names an allowed origin",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "blob:http://allowed.test/0b1d7c6e-0000-4000-8000-000000000000", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-021", Title: "loopback address",
				Requirement: "fetch(\"http://127.0.0.1/anything\") must reject and no host may be contacted: an IP address is a host like any other and is not in the list",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://127.0.0.1/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-022", Title: "localhost",
				Requirement: "fetch(\"http://localhost/anything\") must reject and no host may be contacted: localhost is a host like any other and is not in the list",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://localhost/anything", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-023", Title: "surrounding whitespace",
				Requirement: "fetch(\"  http://evil.test/anything\\n\") must reject and no host may be contacted: the URL parser strips surrounding whitespace before the hostname is known",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "  http://evil.test/anything\n", nothingSent: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-024", Title: "scheme in upper case",
				Requirement: "fetch(\"HTTP://evil.test/anything\") must reject and no host may be contacted: the scheme's spelling does not change the host",
				Rationale:   rationaleInputForms,
				Profile:     ProfileCore, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcAllowlist,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "HTTP://evil.test/anything", nothingSent: true}),
		},
	}
}
