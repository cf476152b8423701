// What the docker sandbox's tests share: the offline stand-in image that
// ../shared/docker/up.sh builds, whether it is here, and the environment
// testcontainers needs on this host (no Ryuk, host networking on 127.0.0.1).
import { execa } from 'execa';

export const IMAGE = process.env.REHEARSE_TEST_PG_IMAGE ?? 'rehearse-test/postgres:15';

export const DOCKER_ENV = {
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
  DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
};

/** The flags of a run in the docker sandbox. */
export const DOCKER_ARGS = ['--sandbox', 'docker', '--image', IMAGE, '--docker-network', 'host'];

/** Whether a Docker engine answers here with the image built. */
export async function dockerReady(): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', IMAGE], { reject: false, timeout: 20_000 })).exitCode === 0;
}
