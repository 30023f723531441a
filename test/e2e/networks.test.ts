/**
 * Networks as the Docker notes use them, with berth and with the real docker CLI: network
 * create/ls/inspect/rm and their errors, a web server reached by name on a user network and
 * through a published port from the host, connect/disconnect on a running container,
 * --link on the default bridge, -P with `port`, and the isolation lines of issue 4.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as os from 'node:os';
import { eventually } from '../harness';
import { CLIS, cliFor, describeResult, inspectField, okRun } from './support/cli';
import { useDaemon } from './support/daemon';
import { fetchLoop, freePort, httpGet, leftovers, webServer } from './support/net';

const T = { timeout: 120000 };

describe('networks', () => {
  const daemon = useDaemon('networks');
  /** the bridges of every network the tests created, for the leftover check at the end */
  const bridges = new Set<string>();
  const recordBridges = async (): Promise<void> => {
    const ids = (await daemon().berth(['network', 'ls', '-q', '--no-trunc', '--filter', 'type=custom'])).stdout.split('\n').filter(Boolean);
    for (const id of ids) bridges.add(`br-${id.slice(0, 12)}`);
  };

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const n = (s: string): string => `${s}-${name}`;

      it('network create, ls, inspect and rm, with Docker\'s errors', T, async () => {
        const red = n('mi_red');
        const id = (await okRun(cli, ['network', 'create', '--label', 'team=red', red])).trim();
        assert.match(id, /^[0-9a-f]{64}$/);
        const ls = await okRun(cli, ['network', 'ls']);
        assert.match(ls.split('\n')[0], /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE$/);
        for (const builtin of ['bridge', 'host', 'none']) assert.match(ls, new RegExp(`^[0-9a-f]{12}\\s+${builtin}\\s+(bridge|host|null)\\s+local$`, 'm'));
        assert.match(ls, new RegExp(`^${id.slice(0, 12)}\\s+${red}\\s+bridge\\s+local$`, 'm'));
        assert.equal(await okRun(cli, ['network', 'ls', '-q', '--filter', 'label=team=red']), `${id.slice(0, 12)}\n`);
        assert.equal(await okRun(cli, ['network', 'ls', '--filter', `name=${red}`, '--format', '{{.Name}} {{.Driver}}']), `${red} bridge\n`);
        const [info] = JSON.parse(await okRun(cli, ['network', 'inspect', red])) as { Id: string; Driver: string; IPAM: { Config: { Subnet: string; Gateway: string }[] }; Labels: Record<string, string> }[];
        assert.equal(info.Id, id);
        assert.equal(info.Labels.team, 'red');
        const subnet = info.IPAM.Config[0].Subnet;
        assert.match(subnet, /^10\.\d+\.\d+\.0\/24$/);
        assert.equal(info.IPAM.Config[0].Gateway, subnet.replace(/0\/24$/, '1'));

        let r = await cli(['network', 'create', red]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, new RegExp(`network with name ${red} already exists`));
        r = await cli(['network', 'create', '--subnet', subnet, n('overlap')]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /Pool overlaps with other one on this address space/);
        r = await cli(['network', 'rm', 'bridge']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /bridge is a pre-defined network and cannot be removed/);
        r = await cli(['network', 'inspect', n('nosuch')]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, new RegExp(`network ${n('nosuch')} not found`));

        r = await cli(['run', '--rm', '--network', n('nosuch'), 'busybox', 'true']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, new RegExp(`network ${n('nosuch')} not found`));
        assert.doesNotMatch(r.stderr, /Unable to find image/);
        r = await cli(['run', '--rm', '--ip', '10.1.2.3', 'busybox', 'true']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /user specified IP address is supported on user defined networks only/);

        assert.equal(await okRun(cli, ['network', 'rm', red]), `${red}\n`);
        assert.doesNotMatch(await okRun(cli, ['network', 'ls']), new RegExp(red));
      });

      it('a container reaches another by name on a user network, and its published port answers on 127.0.0.1', T, async () => {
        const red = n('red');
        const web = n('mi-nginx');
        const port = await freePort();
        await okRun(cli, ['network', 'create', red]);
        await okRun(cli, ['run', '-d', '--name', web, '--network', red, '-p', `${port}:80`, ...webServer(`hello-${name}`)]);
        assert.equal(await okRun(cli, ['run', '--rm', '--network', red, ...fetchLoop(`http://${web}/`)]), `hello-${name}\n`);
        assert.equal(await eventually(() => httpGet('127.0.0.1', port)), `hello-${name}\n`);
        const ip = await inspectField(cli, web, `{{(index .NetworkSettings.Networks "${red}").IPAddress}}`);
        assert.match(ip, /^10\.\d+\.\d+\.\d+$/);
        assert.equal(await inspectField(cli, web, '{{json .NetworkSettings.Ports}}'), `{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"${port}"}]}`);
        const containers = await okRun(cli, ['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', red]);
        assert.equal(containers.trim(), `${web} ${ip}/24`);
        // the short ID resolves too
        const short = (await inspectField(cli, web, '{{.Id}}')).slice(0, 12);
        assert.equal(await okRun(cli, ['run', '--rm', '--network', red, ...fetchLoop(`http://${short}/`)]), `hello-${name}\n`);
        // a second container cannot take the same host port, and is left stopped
        const r = await cli(['run', '-d', '--name', n('clash'), '-p', `${port}:80`, 'busybox', 'sleep', '60']);
        assert.notEqual(r.code, 0, describeResult(r));
        assert.match(r.stderr, new RegExp(`Bind for 0.0.0.0:${port} failed: port is already allocated`));
        assert.equal(await inspectField(cli, n('clash'), '{{.State.Running}}'), 'false');
        await okRun(cli, ['rm', '-f', n('clash')]);
        assert.equal(await httpGet('127.0.0.1', port), `hello-${name}\n`);

        const inUse = await cli(['network', 'rm', red]);
        assert.notEqual(inUse.code, 0);
        assert.match(inUse.stderr, new RegExp(`error while removing network: network ${red} id [0-9a-f]{64} has active endpoints`));
        await okRun(cli, ['rm', '-f', web]);
        assert.equal(await httpGet('127.0.0.1', port), null);
        await recordBridges();
        await okRun(cli, ['network', 'rm', red]);
      });

      it('network connect and disconnect on a running container', T, async () => {
        const blue = n('blue');
        const web = n('web2');
        await okRun(cli, ['network', 'create', blue]);
        await okRun(cli, ['run', '-d', '--name', web, ...webServer('two')]);
        assert.match(await inspectField(cli, web, '{{.NetworkSettings.IPAddress}}'), /^10\.\d+\.255\.\d+$/);
        await okRun(cli, ['network', 'connect', '--alias', n('alias'), blue, web]);
        assert.equal(await okRun(cli, ['run', '--rm', '--network', blue, ...fetchLoop(`http://${n('alias')}/`)]), 'two\n');
        assert.equal(await okRun(cli, ['run', '--rm', '--network', blue, ...fetchLoop(`http://${web}/`)]), 'two\n');
        const twice = await cli(['network', 'connect', blue, web]);
        assert.notEqual(twice.code, 0);
        assert.match(twice.stderr, new RegExp(`endpoint with name ${web} already exists in network ${blue}`));
        assert.match(await inspectField(cli, web, '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}'), new RegExp(`^(bridge ${blue}|${blue} bridge)$`));
        await okRun(cli, ['network', 'disconnect', blue, web]);
        const gone = await okRun(cli, ['run', '--rm', '--network', blue, 'busybox', 'sh', '-c', `nslookup ${web} >/dev/null 2>&1 && echo found || echo gone`]);
        assert.equal(gone, 'gone\n');
        const again = await cli(['network', 'disconnect', blue, web]);
        assert.notEqual(again.code, 0);
        assert.match(again.stderr, /is not connected to network/);
        await okRun(cli, ['rm', '-f', web]);
        await recordBridges();
        await okRun(cli, ['network', 'rm', blue]);
      });

      it('--link db:mysql resolves on the default bridge; -P publishes exposed ports shown by port and ps', T, async () => {
        const db = n('db');
        await okRun(cli, ['run', '-d', '--name', db, ...webServer('db')]);
        assert.equal(await okRun(cli, ['run', '--rm', '--link', `${db}:mysql`, ...fetchLoop('http://mysql/')]), 'db\n');
        const hosts = await okRun(cli, ['run', '--rm', '--link', `${db}:mysql`, 'busybox', 'cat', '/etc/hosts']);
        const dbIp = await inspectField(cli, db, '{{.NetworkSettings.IPAddress}}');
        assert.match(hosts, new RegExp(`^${dbIp.replace(/\./g, '\\.')}\\tmysql [0-9a-f]{12} ${db}$`, 'm'));
        // the default bridge has no name resolution (Docker's semantics)
        assert.equal(await okRun(cli, ['run', '--rm', 'busybox', 'sh', '-c', `nslookup ${db} >/dev/null 2>&1 && echo found || echo none`]), 'none\n');

        const pp = n('pp');
        await okRun(cli, ['run', '-d', '--name', pp, '-P', '--expose', '80', '--expose', '5353/udp', ...webServer('pp')]);
        const ports = await okRun(cli, ['port', pp]);
        const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/m.exec(ports);
        assert.ok(m, ports);
        assert.match(ports, /^5353\/udp -> 0\.0\.0\.0:\d+$/m);
        assert.equal(await okRun(cli, ['port', pp, '80']), `0.0.0.0:${m[1]}\n`);
        assert.equal(await eventually(() => httpGet('127.0.0.1', Number(m[1]))), 'pp\n');
        const row = (await okRun(cli, ['ps', '--filter', `name=${pp}`, '--format', '{{.Ports}}'])).trim();
        assert.match(row, new RegExp(`0\\.0\\.0\\.0:${m[1]}->80/tcp`));
        await okRun(cli, ['rm', '-f', db, pp]);
      });

      it('two user networks are isolated; --internal reaches nothing outside; none has only lo; host shares the host\'s links', T, async () => {
        const a = n('iso-a');
        const b = n('iso-b');
        const internal = n('internal');
        await okRun(cli, ['network', 'create', a]);
        await okRun(cli, ['network', 'create', b]);
        await okRun(cli, ['network', 'create', '--internal', internal]);
        const target = n('target');
        await okRun(cli, ['run', '-d', '--name', target, '--network', b, ...webServer('b')]);
        const ip = await inspectField(cli, target, `{{(index .NetworkSettings.Networks "${b}").IPAddress}}`);
        // reachable from its own network first, so the negative checks below mean something
        assert.equal(await okRun(cli, ['run', '--rm', '--network', b, ...fetchLoop(`http://${ip}/`)]), 'b\n');
        const probe = (net: string, url: string) => okRun(cli, ['run', '--rm', '--network', net, 'busybox', 'sh', '-c', `timeout 2 wget -q -O- ${url} >/dev/null 2>&1 && echo reached || echo blocked`]);
        assert.equal(await probe(a, `http://${ip}/`), 'blocked\n');
        assert.equal(await probe('bridge', `http://${ip}/`), 'blocked\n');
        const gw = (await okRun(cli, ['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bridge'])).trim();
        const port = await freePort();
        await okRun(cli, ['run', '-d', '--name', n('pub'), '-p', `${port}:80`, ...webServer('pub')]);
        await eventually(() => httpGet('127.0.0.1', port));
        assert.equal(await probe('bridge', `http://${gw}:${port}/`), 'reached\n');
        assert.equal(await probe(internal, `http://${gw}:${port}/`), 'blocked\n');
        assert.equal(await okRun(cli, ['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net']), 'lo\n');
        const hostLinks = spawnSync('ls', ['/sys/class/net'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
        const seen = (await okRun(cli, ['run', '--rm', '--network', 'host', 'busybox', 'ls', '/sys/class/net'])).split('\n').filter(Boolean);
        assert.ok(hostLinks.includes('eth0') && seen.includes('eth0') && seen.length > 1, seen.join(' '));
        await okRun(cli, ['rm', '-f', target, n('pub')]);
        await recordBridges();
        await okRun(cli, ['network', 'rm', a, b, internal]);
      });

      it('published ports answer on the host\'s own address (TCP) and carry UDP', T, async () => {
        const web = n('pubs');
        const tcp = await freePort();
        await okRun(cli, ['run', '-d', '--name', web, '-p', `${tcp}:80`, '-p', '127.0.0.1::5353/udp', ...webServer('own')]);
        const hostIp = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
        assert.ok(hostIp, 'the host has a non-loopback IPv4 address');
        assert.equal(await eventually(() => httpGet(hostIp, tcp)), 'own\n');
        const m = /^127\.0\.0\.1:(\d+)$/m.exec(await okRun(cli, ['port', web, '5353/udp']));
        assert.ok(m);
        // busybox has no UDP server: the host's node answers from inside the container's netns
        const ns = await inspectField(cli, web, '{{.NetworkSettings.SandboxKey}}');
        const echo = spawn('nsenter', [`--net=${ns}`, process.execPath, '-e',
          "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('pong:'+m,r.port,r.address));s.bind(5353,()=>console.log('ready'))"]);
        try {
          await new Promise((resolve) => echo.stdout.once('data', resolve));
          const reply = await eventually(() => new Promise<string | null>((resolve) => {
            const c = dgram.createSocket('udp4');
            const timer = setTimeout(() => { c.close(); resolve(null); }, 500);
            c.on('message', (msg) => { clearTimeout(timer); c.close(); resolve(msg.toString()); });
            c.send('ping', Number(m[1]), '127.0.0.1');
          }));
          assert.equal(reply, 'pong:ping');
        } finally {
          echo.kill('SIGKILL');
        }
        await okRun(cli, ['rm', '-f', web]);
      });

      it('--network container:NAME joins the other container\'s stack', T, async () => {
        const base = n('base');
        await okRun(cli, ['run', '-d', '--name', base, ...webServer('shared')]);
        assert.equal(await okRun(cli, ['run', '--rm', '--network', `container:${base}`, ...fetchLoop('http://127.0.0.1/')]), 'shared\n');
        await okRun(cli, ['rm', '-f', base]);
      });
    });
  }

  it('leaves no link, iptables rule, netns or aardvark-dns behind once everything is removed', T, async () => {
    await recordBridges();
    const ids = (await daemon().berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    for (const id of ids) await daemon().berth(['rm', '-f', id]);
    await daemon().berth(['network', 'prune', '-f']);
    const mine = [daemon().net.bridgeName, ...bridges];
    await eventually(async () => leftovers(daemon(), mine).length === 0, 10000).catch(() => undefined);
    assert.deepEqual(leftovers(daemon(), mine), []);
  });
});
