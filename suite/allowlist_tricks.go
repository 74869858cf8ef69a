package suite

// trickSpecs are the ways a URL can name one host to a careless check and another to the
// connection: userinfo, backslashes, percent-encoding, IDNA, IPv4 number forms, inputs
// converted twice, and redirects (strict).
func trickSpecs() []Spec {
	return []Spec{
		{
			Requirement: Requirement{
				ID: "ALLOW-025", Title: "userinfo naming the allowed host",
				Requirement: "fetch(\"http://allowed.test@evil.test/anything\") must reject and no host may be contacted: the host is what follows the last @, evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test@evil.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-026", Title: "userinfo with a port naming the allowed host",
				Requirement: "fetch(\"http://allowed.test:80@evil.test/anything\") must reject and no host may be contacted: the host is what follows the last @, evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test:80@evil.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-027", Title: "backslash before the allowed host",
				Requirement: "fetch(\"http://evil.test\\\\@allowed.test/anything\") must reject and no host may be contacted: in special URLs a backslash ends the authority, so the host is evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: `http://evil.test\@allowed.test/anything`}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-028", Title: "fragment before the allowed host",
				Requirement: "fetch(\"http://evil.test#@allowed.test/\") must reject and no host may be contacted: a # ends the authority, so the host is evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil.test#@allowed.test/"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-029", Title: "query before the allowed host",
				Requirement: "fetch(\"http://evil.test?@allowed.test/\") must reject and no host may be contacted: a ? ends the authority, so the host is evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil.test?@allowed.test/"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-030", Title: "percent-encoded dot",
				Requirement: "fetch(\"http://evil%2Etest/anything\") must reject and no host may be contacted: the host is percent-decoded before it is checked: evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil%2Etest/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-031", Title: "percent-encoded letter",
				Requirement: "fetch(\"http://%65vil.test/anything\") must reject and no host may be contacted: the host is percent-decoded before it is checked: evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://%65vil.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-032", Title: "full-width letters",
				Requirement: "fetch(\"http://ｅｖｉｌ.test/anything\") must reject and no host may be contacted: IDNA maps full-width letters to ASCII: evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://ｅｖｉｌ.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-033", Title: "Cyrillic look-alike of the allowed host",
				Requirement: "fetch(\"http://аllowed.test/anything\") must reject and no host may be contacted: the first letter is U+0430, so the host is xn--llowed-3ve.test, not allowed.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://аllowed.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-034", Title: "tab inside the host",
				Requirement: "fetch(\"http://evil\\t.test/anything\") must reject and no host may be contacted: the URL parser removes tabs and newlines: evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://evil\t.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-035", Title: "newline inside the host",
				Requirement: "fetch(\"http://ev\\nil.test/anything\") must reject and no host may be contacted: the URL parser removes tabs and newlines: evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://ev\nil.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-036", Title: "scheme without slashes",
				Requirement: "fetch(\"http:evil.test/anything\") must reject and no host may be contacted: a special scheme without slashes still names the host evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http:evil.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-037", Title: "scheme with backslashes",
				Requirement: "fetch(\"http:\\\\\\\\evil.test\\\\anything\") must reject and no host may be contacted: backslashes are slashes in special URLs: the host is evil.test",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: `http:\\evil.test\anything`}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-038", Title: "decimal IPv4 address",
				Requirement: "fetch(\"http://2130706433/anything\") must reject and no host may be contacted: the host is 127.0.0.1",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://2130706433/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-039", Title: "hexadecimal IPv4 address",
				Requirement: "fetch(\"http://0x7f.0.0.1/anything\") must reject and no host may be contacted: the host is 127.0.0.1",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://0x7f.0.0.1/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-040", Title: "octal IPv4 address",
				Requirement: "fetch(\"http://0177.0.0.1/anything\") must reject and no host may be contacted: the host is 127.0.0.1",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://0177.0.0.1/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-041", Title: "short IPv4 address",
				Requirement: "fetch(\"http://127.1/anything\") must reject and no host may be contacted: the host is 127.0.0.1",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://127.1/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-042", Title: "IPv6 loopback",
				Requirement: "fetch(\"http://[::1]/anything\") must reject and no host may be contacted: the host is [::1]",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://[::1]/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-043", Title: "IPv4-mapped IPv6 address",
				Requirement: "fetch(\"http://[::ffff:127.0.0.1]/anything\") must reject and no host may be contacted: the host is [::ffff:7f00:1]",
				Rationale:   rationaleParseDifferential,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://[::ffff:127.0.0.1]/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-044", Title: "href that differs from the string",
				Requirement: "An input object whose href names an allowed host but whose string conversion names a denied one must be denied: fetch converts its input with toString, so that is what must be checked.",
				Rationale:   "A check that reads input.href while fetch reads String(input) checks one URL and fetches another.",
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictOnce,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "href-differs", url: "http://evil.test/anything", first: "http://allowed.test/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-045", Title: "stringifier that changes between calls",
				Requirement: "An input whose toString returns an allowed URL on its first call and a denied URL afterwards must never reach the denied host: the input is converted once, and that URL (allowed.test) is both checked and fetched.",
				Rationale:   "A wrapper that calls new URL(input) for the check and then passes input to fetch converts it twice; the second conversion is unchecked.",
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictOnce,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "changing", url: "http://evil.test/anything", first: "http://allowed.test/anything", mayResolve: true}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-046", Title: "301 redirect to a denied host is not followed",
				Requirement: "A 301 redirect from an allowed host to a denied host must reject the fetch, and the denied host must never be contacted.",
				Rationale:   rationaleOpenRedirect,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-host/evil.test?status=301&path=/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-047", Title: "302 redirect to a denied host is not followed",
				Requirement: "A 302 redirect from an allowed host to a denied host must reject the fetch, and the denied host must never be contacted.",
				Rationale:   rationaleOpenRedirect,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-host/evil.test?status=302&path=/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-048", Title: "303 redirect to a denied host is not followed",
				Requirement: "A 303 redirect from an allowed host to a denied host must reject the fetch, and the denied host must never be contacted.",
				Rationale:   rationaleOpenRedirect,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-host/evil.test?status=303&path=/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-049", Title: "307 redirect to a denied host is not followed",
				Requirement: "A 307 redirect from an allowed host to a denied host must reject the fetch, and the denied host must never be contacted.",
				Rationale:   rationaleOpenRedirect,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-host/evil.test?status=307&path=/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-050", Title: "308 redirect to a denied host is not followed",
				Requirement: "A 308 redirect from an allowed host to a denied host must reject the fetch, and the denied host must never be contacted.",
				Rationale:   rationaleOpenRedirect,
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-host/evil.test?status=308&path=/anything"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-051", Title: "redirect to a loopback address is not followed",
				Requirement: "A redirect from an allowed host to an IP address not in the list must reject the fetch without contacting that address.",
				Rationale:   "Redirects to internal addresses are the classic way past an allowlist.",
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-to?url=http%3A%2F%2F127.0.0.1%2Fanything&status_code=302"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-052", Title: "redirect chain ending on a denied host",
				Requirement: "A chain of redirects that stays on allowed hosts and then leaves them must reject at the first denied hop, which must never be contacted.",
				Rationale:   "Checking only the first and last URL, or only the first hop, misses chains.",
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-host/allowed.test?status=302&path=" + "%2Fredirect-host%2Fevil.test%3Fstatus%3D307"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-053", Title: "redirect to a subdomain of an allowed host",
				Requirement: "A redirect to a subdomain of an allowed host must reject when the subdomain is not itself allowed, and the subdomain must never be contacted.",
				Rationale:   "Exact matching applies to every hop, not only the first.",
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: "http://allowed.test/redirect-host/a.allowed.test?status=302"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-054", Title: "redirect through a Request input",
				Requirement: "A Request whose URL redirects to a denied host must reject, and the denied host must never be contacted.",
				Rationale:   "Redirect checks must not depend on the form of the input.",
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictRedirect,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "request", url: "http://allowed.test/redirect-host/evil.test?status=302"}),
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-055", Title: "backslash after the allowed host stays on it",
				Requirement: `fetch("http://allowed.test\@evil.test/anything") may reach allowed.test only: in special URLs the backslash ends the authority, so evil.test is part of the path.`,
				Rationale:   "A check that reads the host after the @ while the connection goes to the host before it (or the reverse) splits check from connection.",
				Profile:     ProfileStrict, Area: AreaAllowlist, Since: "0.1.0",
				Source:  srcStrictParse,
				Fixture: fixtureFetchInput,
			},
			Run: bypass(attempt{kind: "string", url: `http://allowed.test\@evil.test/anything`, mayResolve: true}),
		},
	}
}
