// Types of tls.mjs: the run's certificate authority (initialize's network.ca) in the forms
// Node adapters hand it to their runtime.

/**
 * The run's CA from initialize's params: its PEM, or undefined when the harness sent none.
 * Throws when network.ca is there but is not one PEM certificate of a certificate authority.
 */
export declare function runCA(params: { network: { ca?: unknown } }): string | undefined;

/** Writes the CA into dir (readable by this user only) and returns the file's path. */
export declare function writeCAFile(pem: string, dir: string): string;

/** The base64 SHA-256 of the CA's SubjectPublicKeyInfo (Chromium's SPKI list form). */
export declare function spkiHash(pem: string): string;

/** Chromium's flags for the run's CA ([] without one). */
export declare function chromiumSPKIFlags(ca: string | undefined): string[];
