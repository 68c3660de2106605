import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

/**
 * A fresh self-signed certificate for CN=localhost with SAN DNS:localhost and IP:127.0.0.1, made by the openssl
 * CLI in `dir`. Clients trust it through `tlsOptions: { ca }` (or NODE_EXTRA_CA_CERTS), never by turning checks off.
 */
export async function createSelfSignedCertificate(dir: string): Promise<SelfSignedCertificate> {
  const certFile = join(dir, "simulator-cert.pem");
  const keyFile = join(dir, "simulator-key.pem");
  try {
    await run("openssl", [
      "req", "-x509", "-nodes",
      "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-keyout", keyFile, "-out", certFile,
      "-days", "7",
      "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]);
  } catch (err) {
    throw new Error(`openssl could not create the simulator's certificate: ${(err as Error).message}`);
  }
  return { certPem: await readFile(certFile, "utf8"), keyPem: await readFile(keyFile, "utf8"), certFile, keyFile };
}
