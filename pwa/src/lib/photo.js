// A photo as the phone sends it: the original's SHA-256 first (evidence), then downscaled on the phone with its
// orientation applied (long side ≤ 1600 px, JPEG 0.7) and the hash of what is uploaded (the server checks it).
export const LONG_SIDE = 1600;
export const QUALITY = 0.7;

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function fitInside(width, height, longSide = LONG_SIDE) {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export async function preparePhoto(file) {
  const original_sha256 = await sha256Hex(file);
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const { width, height } = fitInside(bitmap.width, bitmap.height);
  let blob;
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  }
  bitmap.close?.();
  return { id: crypto.randomUUID(), blob, sha256: await sha256Hex(blob), original_sha256, width, height, original_size: file.size };
}
