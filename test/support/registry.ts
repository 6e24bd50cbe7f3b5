// The lab registry: asks it itself (its HTTP API, TLS with the lab CA, basic auth) whether a tag
// exists, and pushes the test accessory's image to it.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { deployerDocker, repoRoot, type Lab } from './lab';

/** Builds the busybox key-value accessory (test/fixtures/accessory) as `image` and pushes it. */
export function pushAccessoryImage(lab: Lab, image: string): void {
  deployerDocker(lab, ['login', lab.registry.server, '-u', lab.registry.username, '--password-stdin'], lab.registry.password);
  deployerDocker(lab, ['build', '-q', '--build-arg', `BASE_IMAGE=${lab.baseImage}`, '-t', image, join(repoRoot, 'test', 'fixtures', 'accessory')]);
  deployerDocker(lab, ['push', '-q', image]);
}

export function registryHasTag(lab: Lab, repository: string, tag: string): Promise<boolean> {
  const [host, port] = lab.registry.server.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port: Number(port ?? 443),
        method: 'HEAD',
        path: `/v2/${repository}/manifests/${encodeURIComponent(tag)}`,
        ca: readFileSync(lab.registry.ca),
        auth: `${lab.registry.username}:${lab.registry.password}`,
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
        timeout: 10000,
      },
      (res) => {
        res.resume();
        if (res.statusCode === 200) resolve(true);
        else if (res.statusCode === 404) resolve(false);
        else reject(new Error(`registry answered ${res.statusCode} for ${repository}:${tag}`));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('registry did not answer')));
    req.end();
  });
}
