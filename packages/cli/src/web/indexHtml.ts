/** The demo page's HTML (a static file next to the bundle). */
export function indexHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; background: #fafafa; color: #222; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
  #status { color: #555; margin: .3rem 0 1rem; }
  #gallery { display: flex; flex-wrap: wrap; gap: 12px; }
  figure { margin: 0; background: #fff; border: 1px solid #ddd; padding: 6px; }
  figcaption { font-size: 12px; color: #444; max-width: 256px; }
  .controls { margin-bottom: 1rem; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>A Faster R-CNN student trained by knowledge distillation (Chen et al., NIPS 2017) in Node with
TensorFlow.js, running in this page with no server-side inference. Drop an image anywhere, pick a
file, or use the webcam.</p>
<div class="controls"><input type="file" id="file" accept="image/*" multiple> <button id="webcam">webcam</button></div>
<div id="status">starting…</div>
<div id="gallery"></div>
<script type="module" src="demo.js"></script>
</body>
</html>
`;
}
