// Bundles the pages' scripts and styles with esbuild, during set-up (deploy/dev.py) and in the
// production image. Every file in src/entries/ is one bundle, named for the file, minified and
// written with a content hash in its name to static/frontend/dist/; shared code goes into
// hashed chunks (ES modules with splitting). dist/manifest.json maps each entry's name
// ("citizen.js", "citizen.css") to its hashed file; the {% asset %} template tag reads it.
//
// node build.mjs [--watch]
import * as esbuild from "esbuild";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const entriesDir = path.join(here, "src", "entries");
const outdir = path.join(here, "static", "frontend", "dist");
const entryPoints = readdirSync(entriesDir)
  .filter((name) => /\.(js|css)$/.test(name))
  .map((name) => path.join(entriesDir, name));

const options = {
  entryPoints,
  absWorkingDir: here,
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  // Safari 15, not 14: esbuild cannot lower the destructuring Safari 14 mishandles, which
  // `idb` (offline drafts) and Chart.js use.
  target: ["chrome87", "firefox78", "safari15"],
  entryNames: "[name]-[hash]",
  chunkNames: "chunks/[name]-[hash]",
  assetNames: "assets/[name]-[hash]",
  loader: { ".png": "file", ".svg": "file", ".woff2": "file" },
  metafile: true,
  logLevel: "warning",
  legalComments: "linked",
};

function writeManifest(metafile) {
  const manifest = {};
  for (const [output, info] of Object.entries(metafile.outputs)) {
    if (!info.entryPoint) continue;
    const name = path.basename(info.entryPoint);
    manifest[name] = path.relative(path.join(here, "static"), path.join(here, output)).split(path.sep).join("/");
    if (info.cssBundle) {
      const cssName = name.replace(/\.js$/, ".css");
      manifest[cssName] = path.relative(path.join(here, "static"), path.join(here, info.cssBundle)).split(path.sep).join("/");
    }
  }
  writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
if (process.argv.includes("--watch")) {
  const context = await esbuild.context({
    ...options,
    plugins: [{ name: "manifest", setup: (build) => build.onEnd((result) => result.metafile && writeManifest(result.metafile)) }],
  });
  await context.watch();
  console.log("esbuild: watching frontend/src");
} else {
  const result = await esbuild.build(options);
  const manifest = writeManifest(result.metafile);
  const sizes = Object.entries(result.metafile.outputs)
    .filter(([, info]) => info.entryPoint)
    .map(([output, info]) => `${path.basename(output)} ${(info.bytes / 1024).toFixed(1)} KB`);
  console.log(`esbuild: ${Object.keys(manifest).length} bundles (${sizes.join(", ")})`);
}
