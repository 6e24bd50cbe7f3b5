// Prints test/lab/lab.json for the running lab. Called by up.sh, which exports the settings
// of lib.sh; the number of hosts comes in LAB_HOSTS.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const env = (name) => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`lab-json.js: ${name} is not set`);
  return value;
};

const count = Number(env('LAB_HOSTS'));
const hostBase = Number(env('LAB_HOST_IP_BASE'));
const bridgeIp = env('LAB_BRIDGE_IP');
const subnet = bridgeIp.split('.').slice(0, 3).join('.');
const labDir = env('LAB_DIR');
const here = __dirname;

const hosts = [];
for (let i = 1; i <= count; i++) {
  hosts.push({
    name: `host${i}`,
    address: `${subnet}.${hostBase + i}`,
    user: 'root',
    key: env('LAB_SSH_KEY'),
    port: 22,
    netns: `${env('LAB_NETNS_PREFIX')}host${i}`,
  });
}

const lab = {
  hosts,
  registry: {
    server: env('LAB_REGISTRY'),
    username: env('LAB_REGISTRY_USER'),
    password: fs.readFileSync(path.join(labDir, 'registry', 'password'), 'utf8').trim(),
    ca: path.join(labDir, 'registry', 'ca.crt'),
  },
  temporal: {
    address: `${env('LAB_TEMPORAL_IP')}:${env('LAB_TEMPORAL_PORT')}`,
    ui: `http://${env('LAB_TEMPORAL_IP')}:${env('LAB_TEMPORAL_UI_PORT')}`,
    namespace: 'default',
    cli: env('TEMPORAL_BIN'),
  },
  docker: { host: env('DEPLOYER_DOCKER_HOST'), cli: env('DOCKER_CLI') },
  proxy: {
    registry: env('LAB_REGISTRY'),
    repository: env('LAB_PROXY_REPOSITORY'),
    version: env('KAMAL_PROXY_VERSION'),
    image: env('LAB_PROXY_IMAGE'),
  },
  traefikImage: env('LAB_TRAEFIK_IMAGE'),
  baseImage: env('LAB_BASE_IMAGE'),
  baseImageLocal: env('LAB_BASE_IMAGE_LOCAL'),
  bridge: { name: env('LAB_BRIDGE'), address: bridgeIp, cidr: `${subnet}.0/${env('LAB_PREFIX')}` },
  hostPorts: { ssh: 22, http: 80, https: 443 },
  knownHosts: env('LAB_KNOWN_HOSTS'),
  dir: labDir,
  stateDir: env('LAB_STATE'),
  logs: env('LAB_LOGS'),
  scripts: {
    ssh: path.join(here, 'ssh.sh'),
    hostDocker: path.join(here, 'host-docker.sh'),
    link: path.join(here, 'link.sh'),
  },
};

process.stdout.write(JSON.stringify(lab, null, 2) + '\n');
