// The prospect board: drag a card to another stage column; the server moves it (htmx) and sends
// the board back. Dropping on a "lost" column first asks for the mandatory lost reason.
(function () {
  "use strict";
  var dragged = null;

  function moveUrl(id) {
    return document.getElementById("board").dataset.moveUrl.replace("/0/", "/" + id + "/");
  }

  function filters() {
    var source = document.getElementById("source");
    var mine = document.querySelector("input[name=mine]");
    return {filter_source: source ? source.value : "", filter_mine: mine && mine.checked ? "1" : ""};
  }

  function post(url, values, source) {
    window.htmx.ajax("POST", url, {source: source, target: "#board", swap: "outerHTML", values: values});
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".prospect-card");
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.prospect);
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (column && dragged) {
      event.preventDefault();
      column.classList.add("drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (column) { column.classList.remove("drop-target"); }
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!column || !dragged) { return; }
    event.preventDefault();
    column.classList.remove("drop-target");
    var card = dragged;
    dragged = null;
    if (card.closest(".board-column") === column) { return; }
    if (column.dataset.kind === "lost") {
      var form = document.getElementById("lost-form");
      form.dataset.url = moveUrl(card.dataset.prospect);
      document.getElementById("lost-stage").value = column.dataset.stage;
      document.getElementById("lost-version").value = card.dataset.version;
      document.getElementById("lost-dialog").showModal();
      return;
    }
    var values = filters();
    values.stage = column.dataset.stage;
    values.edit_version = card.dataset.version;
    post(moveUrl(card.dataset.prospect), values, column);
  });

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "lost-form") { return; }
    event.preventDefault();
    var form = event.target;
    if (!form.reportValidity()) { return; }
    post(form.dataset.url, {}, form);
    document.getElementById("lost-dialog").close();
    form.reset();
  });

  document.addEventListener("click", function (event) {
    if (event.target.id === "lost-cancel") { document.getElementById("lost-dialog").close(); }
  });
})();
