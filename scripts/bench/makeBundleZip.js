'use strict';
// Writes a release-like zip of about `targetBytes`: a compressible JS bundle plus incompressible assets.
const { createWriteStream } = require('node:fs');
const { randomBytes } = require('node:crypto');
const yazl = require('yazl');

function jsLikeText(bytes) {
  const line = 'function component_%d(props){return React.createElement("div",{key:%d},props.children)}\n';
  const chunks = [];
  let size = 0;
  for (let index = 0; size < bytes; index += 1) {
    const text = line.replace(/%d/g, String((index * 7919) % 100003));
    chunks.push(text);
    size += text.length;
  }
  return Buffer.from(chunks.join('')).subarray(0, bytes);
}

/** Resolves when the zip is written. */
function makeBundleZip(file, targetBytes, bundleName = 'index.android.bundle') {
  const zip = new yazl.ZipFile();
  // A JS bundle compresses about 10x; a fifth of the zip is bundle, the rest assets (images, fonts).
  zip.addBuffer(jsLikeText(Math.floor(targetBytes * 2)), `CodePush/${bundleName}`);
  let remaining = Math.floor(targetBytes * 0.8);
  for (let index = 0; remaining > 0; index += 1) {
    const size = Math.min(remaining, 1024 * 1024);
    zip.addBuffer(randomBytes(size), `CodePush/assets/asset_${index}.png`, { compress: false });
    remaining -= size;
  }
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(file)).on('finish', resolve).on('error', reject);
  });
}

module.exports = { makeBundleZip };
