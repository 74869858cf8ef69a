// Keeps Deno's name lookups on the mock network's DNS server (initialize's network.dns).
//
// Deno looks up a fetch's host name with the system resolver (glibc's getaddrinfo, which
// reads /etc/resolv.conf) even when the request then goes to the proxy: by default every
// allowed host name a vat fetches is sent to the machine's DNS server. glibc takes a
// nameserver's address but not its port (always 53), and mocknet's DNS listens on a port of
// its own. So, where the adapter may (it runs as root, with util-linux's unshare), it:
//
//   1. relays DNS (UDP and TCP) from 127.53.X.Y:53, a loopback address picked at random for
//      this adapter process, to network.dns, and nowhere else;
//   2. starts Deno in a mount namespace of its own (unshare --mount) where /etc/resolv.conf
//      names only that relay and /etc/nsswitch.conf sends host lookups to /etc/hosts, then
//      DNS: Deno's lookups reach mocknet, which records each one.
//
// Where it may not (not root, no unshare, a container without CAP_SYS_ADMIN), Deno keeps the
// system resolver, the adapter says so on stderr, and mocknet sees no lookup (the DNS specs
// then carry a note saying the lookups were not observable).

import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { accessSync, constants, writeFileSync } from 'node:fs';
import net from 'node:net';
import { delimiter, join } from 'node:path';

// Deno's environment is set whole, without PATH: the programs are named by their paths.
function which(name) {
  const dirs = [...(process.env.PATH || '').split(delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return null;
}

// The command line that runs argv with $1 bind-mounted on /etc/resolv.conf and $2 on
// /etc/nsswitch.conf, in a mount namespace of its own (private: nothing leaks out).
function namespaced(unshare, mount, resolvConf, nsswitch, argv) {
  const script = `${mount} --bind "$1" /etc/resolv.conf && ${mount} --bind "$2" /etc/nsswitch.conf && shift 2 && exec "$@"`;
  return [unshare, ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'conform-deno-resolver', resolvConf, nsswitch, ...argv]];
}

/**
 * Prepares Deno's resolver in dir. Returns {wrap(argv), close(), address} where wrap turns
 * Deno's command line into one that runs it with the private resolver, or null (with why)
 * when that is not possible here.
 */
export async function mocknetResolver(dns, dir) {
  if (!dns) return { why: 'the harness gave no network.dns' };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { why: 'the adapter is not root, so it can neither bind port 53 for the relay nor mount a private /etc/resolv.conf' };
  }
  const [unshare, mount] = [which('unshare'), which('mount')];
  if (!unshare || !mount) return { why: 'util-linux\'s unshare and mount are not installed' };
  const resolvConf = join(dir, 'resolv.conf');
  const nsswitch = join(dir, 'nsswitch.conf');
  writeFileSync(nsswitch, 'hosts: files dns\n');
  // The namespace must work before the relay is worth starting: try it with `true`.
  writeFileSync(resolvConf, 'nameserver 127.0.0.1\n');
  const probe = spawnSync(...namespaced(unshare, mount, resolvConf, nsswitch, ['/bin/true']), { encoding: 'utf8', env: {} });
  if (probe.error || probe.status !== 0) {
    return { why: `a private /etc/resolv.conf cannot be mounted here (${probe.error ? probe.error.message : probe.stderr.trim()})` };
  }
  const upstream = parseHostPort(dns);
  const relay = await startRelay(upstream);
  // One try of at most 1 s: mocknet answers at once, and a lost datagram must not stall a
  // fetch for glibc's default 5 s.
  writeFileSync(resolvConf, `nameserver ${relay.address}\noptions timeout:1 attempts:1\n`);
  return {
    address: relay.address,
    wrap: (argv) => namespaced(unshare, mount, resolvConf, nsswitch, argv),
    close: relay.close,
  };
}

function parseHostPort(hostPort) {
  const i = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(i + 1)) };
}

// Listens on port 53 (UDP and TCP) of a random 127.53.X.Y and relays every query to
// upstream. Tries other addresses while one is taken.
async function startRelay(upstream) {
  let lastError;
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = `127.53.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`;
    try {
      const udp = await listenUDP(address, upstream);
      const tcp = await listenTCP(address, upstream).catch((e) => {
        udp.close();
        throw e;
      });
      return {
        address,
        close: () => {
          udp.close();
          tcp.close();
        },
      };
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`no loopback address free for the DNS relay: ${lastError && lastError.message}`);
}

// Each query goes out on a socket of its own, whose answers go back to the query's sender;
// the socket is closed after 5 s, by which time glibc has given up on it.
function listenUDP(address, upstream) {
  return new Promise((resolve, reject) => {
    const front = dgram.createSocket('udp4');
    front.once('error', reject);
    front.on('message', (msg, from) => {
      const out = dgram.createSocket(upstream.host.includes(':') ? 'udp6' : 'udp4');
      let open = true;
      const close = () => {
        if (open) out.close();
        open = false;
      };
      out.on('error', close);
      out.on('message', (answer) => front.send(answer, from.port, from.address));
      setTimeout(close, 5000).unref();
      out.send(msg, upstream.port, upstream.host);
    });
    front.bind(53, address, () => {
      front.removeListener('error', reject);
      front.on('error', () => {});
      front.unref();
      resolve(front);
    });
  });
}

function listenTCP(address, upstream) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((client) => {
      const out = net.connect(upstream.port, upstream.host);
      client.pipe(out).pipe(client);
      const end = () => {
        client.destroy();
        out.destroy();
      };
      client.on('error', end).on('close', end);
      out.on('error', end).on('close', end);
    });
    server.once('error', reject);
    server.listen(53, address, () => {
      server.removeListener('error', reject);
      server.unref();
      resolve(server);
    });
  });
}
