// The upload page (/dataset/<slug>/upload): Uppy's Dashboard (drag and drop, progress) and
// its tus plugin, sending each file in pieces to the portal's tus endpoint. Uppy remembers
// each file's upload address in the browser (localStorage), so a file added again after a lost
// connection or a closed tab goes on from the offset the server has. Settings come from the
// #uploader element's data attributes; the form token goes with every request that changes
// something (X-CSRF-Token), as for every form of the portal. A finished records file is
// handed to the drafts; a finished image is offered in the "Attach images to records" form.
(function () {
  'use strict';
  var box = document.getElementById('uploader');
  if (!box || !window.Uppy) { return; }
  var noscript = document.getElementById('upload-noscript');
  if (noscript) { noscript.hidden = true; }
  var token = document.querySelector('#upload-settings input[name="csrf_token"]');
  var finished = document.getElementById('finished-uploads');
  var none = document.getElementById('finished-none');
  var draftsUrl = box.dataset.draftsUrl;
  var imageTypes = (box.dataset.imageTypes || '').split(',').filter(Boolean);
  var CHUNK = 50 * 1024 * 1024;  // one PATCH per 50 MB: a lost connection costs at most that

  var uppy = new window.Uppy.Uppy({
    restrictions: {
      maxFileSize: Number(box.dataset.maxBytes),
      allowedFileTypes: box.dataset.types.split(',')
    },
    meta: { dataset: box.dataset.dataset }
  });
  uppy.use(window.Uppy.Dashboard, {
    inline: true,
    target: box,
    height: 360,
    width: '100%',
    showProgressDetails: true,
    proudlyDisplayPoweredByUppy: false,
    disableThumbnailGenerator: true,  // thumbnails are blob: images, which the CSP refuses
    note: 'Up to ' + document.getElementById('upload-limit').textContent + ' per file'
  });
  uppy.use(window.Uppy.Tus, {
    endpoint: box.dataset.endpoint,
    chunkSize: CHUNK,
    headers: { 'X-CSRF-Token': token ? token.value : '' },
    removeFingerprintOnSuccess: true,
    retryDelays: [0, 1000, 3000, 5000]
  });

  // Uppy's Dashboard shows a single file in a .uppy-Dashboard-files element without the list
  // role its listitem needs (axe: aria-required-parent): give it one whenever it is drawn.
  new MutationObserver(function () {
    box.querySelectorAll('.uppy-Dashboard-files:not([role])').forEach(function (files) {
      files.setAttribute('role', 'list');
    });
  }).observe(box, { childList: true, subtree: true });

  // Each finished upload is handed over to the dataset's drafts as a form POST of its id
  // (upload_id) and the resource chosen in #upload-settings; the page then goes on to the
  // draft's review. A refusal (say, no such resource) is shown, and the upload stays kept.
  var problem = document.getElementById('handover-error');
  function handOver(uploadId, item) {
    var settings = document.getElementById('upload-settings');
    var body = new URLSearchParams(new FormData(settings));
    body.set('upload_id', uploadId);
    return fetch(draftsUrl, {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    }).then(function (answer) {
      return answer.json().then(function (data) {
        if (answer.ok && data.url) {
          window.location.assign(data.url);
          return;
        }
        var said = data.error && (data.error.message || data.error);
        problem.textContent = fileProblem(item, said || answer.statusText);
        problem.hidden = false;
      });
    }).catch(function (failed) {
      problem.textContent = fileProblem(item, String(failed));
      problem.hidden = false;
    });
  }
  function fileProblem(item, message) {
    return 'Could not make a draft of ' + item.querySelector('strong').textContent + ': ' +
      message;
  }

  uppy.on('upload-success', function (file, response) {
    var uploadId = response.uploadURL.replace(/\/+$/, '').split('/').pop();
    var item = document.createElement('li');
    item.className = 'finished-upload';
    item.dataset.uploadId = uploadId;
    var name = document.createElement('strong');
    name.textContent = file.name;
    var id = document.createElement('code');
    id.textContent = uploadId;
    item.append(name, ' (upload id ', id, ')');
    finished.append(item);
    if (none) { none.hidden = true; }
    if (isImage(file.name)) {
      offerImage(uploadId, file.name);
    } else if (draftsUrl) {
      handOver(uploadId, item);
    }
  });

  // A finished image is not a draft: it is offered in the "Attach images to records" form
  // (a plain form POST of its upload_id, with the resource and match field chosen there).
  function isImage(name) {
    var dot = name.lastIndexOf('.');
    return dot >= 0 && imageTypes.indexOf(name.slice(dot).toLowerCase()) >= 0;
  }
  function offerImage(uploadId, name) {
    var list = document.getElementById('image-uploads');
    var section = document.getElementById('attach-images');
    if (!list || !section) { return; }
    var item = document.createElement('li');
    var label = document.createElement('label');
    var tick = document.createElement('input');
    tick.type = 'checkbox';
    tick.name = 'upload_id';
    tick.value = uploadId;
    tick.checked = true;
    label.append(tick, ' ' + name);
    item.append(label);
    list.append(item);
    var empty = document.getElementById('images-none');
    if (empty) { empty.hidden = true; }
    section.hidden = false;
  }
}());
