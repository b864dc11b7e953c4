/**
 * A self-signed serving certificate for 127.0.0.1, made once per process with the openssl CLI.
 * Needed because client-go sends bearer tokens only over TLS (clientcmd sets user credentials for
 * https servers only, kubernetes/kubectl#744), so kubectl against a plain-http server stays anonymous.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let cached: { key: string; cert: string } | undefined;

export function servingCert(): { key: string; cert: string } {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sim-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=kube-apiserver-sim',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'basicConstraints=critical,CA:TRUE', '-days', '3650', '-keyout', key, '-out', cert,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    cached = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
    return cached;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let clientCa: { key: string; cert: string } | undefined;

/** The CA that signs client certificates (kube-apiserver `--client-ca-file`), made once per process. */
export function clientCaCert(): { key: string; cert: string } {
  if (clientCa) return clientCa;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sim-client-ca-'));
  try {
    const key = path.join(dir, 'ca.key');
    const cert = path.join(dir, 'ca.crt');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=kube-sim-client-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-days', '3650', '-keyout', key, '-out', cert,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    clientCa = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
    return clientCa;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A client certificate for `user` signed by the client CA: the API server takes the user name from
 * the subject's CN and groups from O (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates).
 */
export function issueClientCert(user: string): { key: string; cert: string } {
  const ca = clientCaCert();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sim-client-'));
  try {
    const f = (n: string): string => path.join(dir, n);
    fs.writeFileSync(f('ca.key'), ca.key);
    fs.writeFileSync(f('ca.crt'), ca.cert);
    fs.writeFileSync(f('ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${user}`, '-keyout', f('key.pem'), '-out', f('csr.pem')], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('openssl', ['x509', '-req', '-in', f('csr.pem'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '3650', '-extfile', f('ext'), '-out', f('cert.pem')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: fs.readFileSync(f('key.pem'), 'utf8'), cert: fs.readFileSync(f('cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
