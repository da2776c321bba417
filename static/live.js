// Live pages: the claim page, piece page and desk hear of changes made by anyone, through any
// instance, from `/live` (Server-Sent Events). The page says what changed and by whom, redraws
// the piece's marks and the desk's counts in place, and leaves alone anything being typed: a form
// sent after a change is answered as stale, with its text kept, as without this script.
"use strict";

(function () {
  const main = document.getElementById("main");
  const news = document.getElementById("live-news");
  if (!main || !news || !main.dataset.live || !window.EventSource) {
    return;
  }
  const VERDICTS = ["accurate", "misleading", "false", "unverifiable"];
  const KEPT = 5;

  function tell(message) {
    const line = document.createElement("p");
    line.className = "live-news-item";
    line.append(message + " — ");
    const reload = document.createElement("a");
    reload.href = window.location.pathname + window.location.search;
    reload.textContent = "reload to see it";
    line.append(reload);
    news.append(line);
    while (news.children.length > KEPT) {
      news.firstElementChild.remove();
    }
    news.hidden = false;
  }

  function restyle(element, status) {
    for (const name of Array.from(element.classList)) {
      if (name.startsWith("status-")) {
        element.classList.remove(name);
      }
    }
    element.classList.add("status-" + status);
    element.dataset.status = status;
  }

  // The piece page: each mark of the claim takes its new status.
  function remark(change) {
    for (const mark of document.querySelectorAll("mark.claim-mark")) {
      if (mark.dataset.claimId !== change.claim) {
        continue;
      }
      restyle(mark, change.status);
      const said = mark.querySelector(":scope > .visually-hidden");
      if (said) {
        said.textContent = "[" + change.status_label + " claim] ";
      }
    }
  }

  function add(line, status, label, by) {
    const list = line.querySelector(".status-counts");
    if (!list || !status) {
      return;
    }
    let item = list.querySelector(':scope > li[data-status="' + status + '"]');
    if (!item && by > 0) {
      item = document.createElement("li");
      item.dataset.status = status;
      const badge = document.createElement("span");
      badge.className = "status-badge status-" + status;
      badge.textContent = label || status;
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = "0";
      item.append(badge, " ", count);
      list.append(item);
    }
    if (!item) {
      return;
    }
    const count = item.querySelector(".count");
    const now = Number(count.textContent) + by;
    count.textContent = String(now);
    if (now <= 0) {
      item.remove();
    }
  }

  // The desk: the piece's counts by status, and how many of its claims are checked.
  function recount(change) {
    const line = document.querySelector('li.piece-line[data-piece-id="' + change.piece + '"]');
    if (!line) {
      return;
    }
    const moved = change.kind === "status_changed" || change.kind === "created";
    if (!moved) {
      return;
    }
    add(line, change.from, null, -1);
    add(line, change.to, change.to_label, 1);
    const meter = line.querySelector("meter");
    const label = meter && line.querySelector('label[for="' + meter.id + '"]');
    if (!meter || !label) {
      return;
    }
    const verdicts = (status) => (status && VERDICTS.includes(status) ? 1 : 0);
    const nowChecked = meter.value + verdicts(change.to) - verdicts(change.from);
    const nowTotal = meter.max + (change.kind === "created" ? 1 : 0);
    meter.max = nowTotal;
    meter.value = nowChecked;
    meter.textContent = nowChecked + " of " + nowTotal;
    label.textContent = nowChecked + " of " + nowTotal + " checked";
  }

  const source = new EventSource(main.dataset.live);
  source.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    tell(change.message);
    remark(change);
    recount(change);
  });
  source.addEventListener("behind", () => {
    tell("Many changes were made since this page was read");
    source.close();
  });
})();
