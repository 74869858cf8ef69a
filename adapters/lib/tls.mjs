// The run's certificate authority (initialize's network.ca, harness/PROTOCOL.md §6.1), in the
// forms Node adapters hand it to their runtime: the PEM itself (undici's ProxyAgent
// requestTls.ca), a file only the adapter's user can read (Deno's DENO_CERT, Node's
// NODE_EXTRA_CA_CERTS), or the SHA-256 of its public key (Chromium's
// --ignore-certificate-errors-spki-list). Nothing here relaxes certificate verification;
// nothing is written where a system or user trust store would read it.

import { X509Certificate, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The run's CA from initialize's params: its PEM, or undefined when the harness sent none.
 * Throws when network.ca is there but is not one PEM certificate of a certificate authority.
 * @param {{network: {ca?: unknown}}} params
 * @returns {string | undefined}
 */
export function runCA(params) {
  const ca = params.network && params.network.ca;
  if (ca === undefined) return undefined;
  if (typeof ca !== 'string' || !ca.startsWith('-----BEGIN CERTIFICATE-----')) {
    throw new Error('network.ca must be a PEM certificate (-----BEGIN CERTIFICATE-----…)');
  }
  const cert = new X509Certificate(ca);
  if (!cert.ca) throw new Error(`network.ca is not a certificate authority: ${cert.subject}`);
  return ca;
}

/**
 * Writes the CA into dir, a directory of the adapter's own (a fresh temporary one), readable
 * by this user only, and returns the file's path.
 * @param {string} pem
 * @param {string} dir
 */
export function writeCAFile(pem, dir) {
  const path = join(dir, 'conform-run-ca.pem');
  writeFileSync(path, pem, { mode: 0o600 });
  return path;
}

/**
 * The base64 SHA-256 of the CA's SubjectPublicKeyInfo, as Chromium's
 * --ignore-certificate-errors-spki-list takes it.
 * @param {string} pem
 */
export function spkiHash(pem) {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * Chromium's flags for the run's CA ([] without one). Chromium has no per-launch trusted
 * root: its policies and certificate databases belong to the machine or the user. What it has
 * is --ignore-certificate-errors-spki-list (honoured only with a --user-data-dir), and it is
 * weaker than trust: a chain in which the server *sends* a certificate with a listed key is
 * accepted without any verification, name and dates included. The mock network sends its
 * CA's certificate after every leaf, so a certificate of the CA for another name, or an
 * expired one, is accepted too (harness/PROTOCOL.md §6.1).
 * @param {string | undefined} ca
 * @returns {string[]}
 */
export function chromiumSPKIFlags(ca) {
  return ca ? [`--ignore-certificate-errors-spki-list=${spkiHash(ca)}`] : [];
}
