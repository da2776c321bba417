// Factdesk's one script: on a piece page, select words in the text and an "Add claim" button
// appears by the selection; it fills the add-claim form (quote and start) from the selection.
// Without it the same form takes a pasted quote, so the page works with scripts off.
"use strict";

(function () {
  const text = document.getElementById("piece-text");
  const form = document.getElementById("add-claim");
  if (!text || !form) {
    return; // Not a piece page, or the signed-in person may not add claims.
  }
  const quoteField = form.elements.namedItem("quote");
  const startField = document.getElementById("claim-start");

  const button = document.createElement("button");
  button.type = "button";
  button.id = "add-claim-button";
  button.className = "add-claim-button";
  button.textContent = "Add claim";
  button.hidden = true;
  // Right after the text, so the keyboard reaches it next after a selection made with Shift.
  text.after(button);

  // The piece's own characters: text nodes, less the statuses said for screen readers.
  function pieceNodes() {
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement.closest(".visually-hidden")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    const nodes = [];
    while (walker.nextNode()) {
      nodes.push(walker.currentNode);
    }
    return nodes;
  }

  // Where a range boundary falls in the piece's text, in UTF-16 units.
  function offsetOf(nodes, container, offset) {
    let total = 0;
    for (const node of nodes) {
      if (node === container) {
        return total + offset;
      }
      // A boundary between elements: count the text nodes that come before it.
      const probe = document.createRange();
      probe.setStart(container, offset);
      probe.collapse(true);
      if (probe.comparePoint(node, 0) > 0) {
        return total;
      }
      total += node.data.length;
    }
    return total;
  }

  // The selection as a claim: the exact words and where they start, in Unicode characters
  // (what the server counts), or null when nothing in the piece is selected.
  function selectedQuote() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    const range = selection.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) {
      return null;
    }
    const nodes = pieceNodes();
    const whole = nodes.map((node) => node.data).join("");
    let from = offsetOf(nodes, range.startContainer, range.startOffset);
    let to = offsetOf(nodes, range.endContainer, range.endOffset);
    // A double click takes the space after a word too: a quote starts and ends with words.
    while (from < to && /\s/.test(whole[from])) from += 1;
    while (to > from && /\s/.test(whole[to - 1])) to -= 1;
    if (from === to) {
      return null;
    }
    return {
      quote: whole.slice(from, to),
      start: Array.from(whole.slice(0, from)).length,
      rect: range.getBoundingClientRect(),
    };
  }

  let current = null;

  function update() {
    current = selectedQuote();
    if (!current) {
      button.hidden = true;
      return;
    }
    const box = text.getBoundingClientRect();
    button.style.top = `${current.rect.bottom - box.top + text.offsetTop + 4}px`;
    button.style.left = `${Math.max(0, current.rect.left - box.left) + text.offsetLeft}px`;
    button.hidden = false;
  }

  document.addEventListener("selectionchange", update);
  text.addEventListener("mouseup", update);
  text.addEventListener("keyup", update);

  button.addEventListener("click", () => {
    if (!current) {
      return;
    }
    quoteField.value = current.quote;
    if (startField) {
      startField.value = String(current.start);
    }
    button.hidden = true;
    const panel = form.closest("details");
    if (panel) {
      panel.open = true;
    }
    form.scrollIntoView({ block: "start" });
    form.elements.namedItem("summary").focus();
  });

  // A quote typed or pasted by hand names no place: the server finds it, or asks which.
  quoteField.addEventListener("input", () => {
    if (startField) {
      startField.value = "";
    }
  });
})();
