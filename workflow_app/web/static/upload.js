/* Sending a file on a weak link: its size is checked before a single byte leaves, and the page says how much of
   it has gone and what it is waiting for. Progressive enhancement of the forms marked data-upload: without
   JavaScript (or without FormData) they post as before, and the server checks the same limit
   (services/route/documents.py MAX_BYTES). No dependency, no inline script (the CSP allows script-src 'self'). */
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest || !document.querySelectorAll) {
    return;
  }
  var MB = 1024 * 1024;

  function megabytes(bytes) {
    return (bytes / MB).toLocaleString("es-CO", {minimumFractionDigits: 1, maximumFractionDigits: 1});
  }

  function chosenFiles(form) {
    return Array.prototype.filter.call(form.querySelectorAll('input[type="file"]'), function (input) {
      return input.files && input.files.length && input.files[0].size > 0;
    });
  }

  function clearSizeError(input) {
    var old = document.getElementById(input.id + "-size");
    if (old) {
      old.parentNode.removeChild(old);
      input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "")
        .replace(input.id + "-size", "").trim());
      if (!input.parentNode.querySelector(".field-error")) {
        input.removeAttribute("aria-invalid");
      }
    }
  }

  /* The first file over its input's data-max-bytes, told beside it (as the server's error would be). */
  function refuseTooLarge(form) {
    var inputs = chosenFiles(form);
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i], max = parseInt(input.getAttribute("data-max-bytes"), 10);
      clearSizeError(input);
      if (max && input.files[0].size > max) {
        var error = document.createElement("span");
        error.className = "field-error";
        error.id = input.id + "-size";
        error.setAttribute("role", "alert");
        error.textContent = "«" + input.files[0].name + "» pesa " + megabytes(input.files[0].size) +
          " MB y el máximo es " + megabytes(max) + " MB: no se envió. Reduzca su tamaño (por ejemplo, " +
          "escaneando en blanco y negro o a menor resolución) y elíjalo de nuevo.";
        input.parentNode.appendChild(error);
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby",
          ((input.getAttribute("aria-describedby") || "") + " " + error.id).trim());
        input.focus();
        return true;
      }
    }
    return false;
  }

  function statusBox(form, button) {
    var box = form.querySelector(".upload-status");
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-status";
      box.setAttribute("role", "status");
      box.innerHTML = '<progress max="100" value="0"></progress> <span class="upload-text"></span>';
      var before = button ? button.closest("p") || button : null;
      if (before && before.parentNode === form) {
        form.insertBefore(box, before);
      } else {
        form.appendChild(box);
      }
    }
    return box;
  }

  function say(box, percent, text) {
    var bar = box.querySelector("progress");
    if (percent === null) {
      bar.removeAttribute("value");  /* indeterminate: the server is checking the file */
    } else {
      bar.value = percent;
    }
    box.querySelector(".upload-text").textContent = text;
  }

  /* The answer replaces the page, as a normal post would: a redirect (said by web/uploads.py upload_redirect in
     a header) is followed by the browser itself, and a page (the form with its errors) is written in place of
     this one, its error summary (id="errores") focused. */
  function show(xhr) {
    var next = xhr.getResponseHeader("X-Upload-Redirect");
    if (next) {
      window.location.assign(next);
      return;
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
    var errors = document.getElementById("errores");
    if (errors) {
      errors.focus();
      errors.scrollIntoView();
    } else {
      window.scrollTo(0, 0);
    }
  }

  /* After a lost answer, asks the form's own address (a few KB, no file): once an act that cannot repeat exists,
     the server answers it with «Este acto ya quedó registrado» (409), shown in place of the form, so the file is
     not sent again only to learn that (QA, 7 December 2026). Otherwise the form stays, with what was typed, ready
     to send: a resend of what was recorded is told so, never recorded twice. */
  function alreadyRecorded(form, box) {
    var check = new XMLHttpRequest();
    check.open("GET", form.action.split("#")[0]);
    check.onload = function () {
      if (check.status === 409) {
        show(check);
      } else {
        retry();
      }
    };
    check.onerror = retry;
    function retry() {
      say(box, 0, "Se cortó la conexión antes de recibir la respuesta del servidor. Lo que escribió sigue en el " +
        "formulario: envíelo otra vez cuando tenga señal; si ya había quedado registrado, la página lo dirá y no " +
        "se registrará dos veces.");
    }
    check.send();
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var button = submitter || form.querySelector('button[type="submit"]');
    var box = statusBox(form, button);
    var spoken = -1;
    if (button) {
      button.disabled = true;
    }
    var xhr = new XMLHttpRequest();
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), form.action);
    xhr.setRequestHeader("X-Upload-Progress", "1");
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) {
        say(box, null, "Enviando el archivo… No cierre esta página.");
        return;
      }
      var percent = Math.floor(event.loaded * 100 / event.total);
      if (percent === 100) {
        return;  /* said by onload of the upload, below */
      }
      box.querySelector("progress").value = percent;
      if (percent >= spoken + 10 || spoken < 0) {  /* the live region speaks every tenth, not every event */
        spoken = percent - percent % 10;
        box.querySelector(".upload-text").textContent = "Enviando el archivo: " + megabytes(event.loaded) +
          " de " + megabytes(event.total) + " MB (" + percent + " %). No cierre esta página.";
      }
    };
    xhr.upload.onload = function () {
      say(box, null, "Archivo enviado. El servidor lo está revisando; espere la respuesta.");
    };
    xhr.onload = function () {
      show(xhr);
    };
    xhr.onerror = xhr.ontimeout = function () {
      say(box, 0, "Se cortó la conexión antes de recibir la respuesta del servidor. Revisando si el envío quedó " +
        "registrado…");
      box.classList.add("upload-failed");
      if (button) {
        button.disabled = false;
      }
      alreadyRecorded(form, box);
    };
    box.classList.remove("upload-failed");  /* a retry is not shown as the failure before it */
    say(box, 0, "Preparando el envío…");
    xhr.send(data);
  }

  /* Back onto a form restored as it was left (the browser's page cache): ready to send again, not "sending". */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (form) {
      Array.prototype.forEach.call(form.querySelectorAll(".upload-status"), function (box) {
        box.parentNode.removeChild(box);
      });
      Array.prototype.forEach.call(form.querySelectorAll("button[disabled]"), function (button) {
        button.disabled = false;
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (form) {
    Array.prototype.forEach.call(form.querySelectorAll('input[type="file"]'), function (input) {
      input.addEventListener("change", function () {
        clearSizeError(input);
        refuseTooLarge(form);
      });
    });
    form.addEventListener("submit", function (event) {
      if (refuseTooLarge(form)) {
        event.preventDefault();
        return;
      }
      if (!chosenFiles(form).length) {
        return;  /* nothing heavy to send: the usual post */
      }
      event.preventDefault();
      send(form, event.submitter);
    });
  });
}());
