"""A team's page reads as a profile; the problems page is one table per repo, info hidden until asked."""
from __future__ import annotations

import pytest
from lookout_browser import entity_path, shoot

pytestmark = pytest.mark.browser

TEAM = "group:default/payments"

# For every entity link in the problems tables: the characters just before each place
# the browser wrapped the name (a line box change inside the link's text).
WRAP_POINTS = """() => [...document.querySelectorAll('.lk-problem-table td.lk-entity-cell a')].flatMap(a => {
  const text = a.textContent, out = [], range = document.createRange();
  let top = null, pos = 0;
  const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++, pos++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const r = range.getClientRects()[0];
      if (!r) continue;
      if (top !== null && r.top > top + 2) out.push(text.slice(Math.max(0, pos - 1), pos + 1));
      top = r.top;
    }
  }
  return out;
})"""


def test_team_page_shows_the_profile_and_no_owner_or_lifecycle(page, server, catalog):
    ent = catalog.entities[TEAM]
    page.goto(server.url(entity_path(TEAM)))
    about = page.locator("#about")
    assert page.locator("#profile").is_visible()
    email = ent["spec"]["profile"]["email"]
    assert page.locator("#profile-email a").inner_text() == email
    assert page.locator("#profile-email a").get_attribute("href") == f"mailto:{email}"
    assert "team-payments" in about.locator(".lk-chat").inner_text()
    assert page.locator("#profile-name").inner_text() == ent["spec"]["profile"]["displayName"]
    assert page.locator("#profile-parent").inner_text() == catalog.title(catalog.rel(TEAM, "childOf")[0])
    children = page.locator("#profile-children a").all_inner_texts()
    assert sorted(children) == sorted(catalog.title(r) for r in catalog.rel(TEAM, "parentOf"))
    members = page.locator("#profile-members a[data-ref]").evaluate_all("as => as.map(a => a.dataset.ref)")
    assert sorted(members) == sorted(catalog.rel(TEAM, "hasMember"))
    text = about.inner_text().lower()
    for label in ("owner", "lifecycle", "docs", "no owner"):
        assert label not in text.split(), f"a team's About card should not show {label!r}: {text}"
    assert page.locator("#owner, #lifecycle, #entity-lifecycle, .lk-about .lk-missing").count() == 0
    shoot(page, "team-profile")


def test_problems_page_hides_info_until_asked_and_keeps_columns(page, server, catalog):
    problems = catalog.data["problems"]
    by_sev = {s: sum(p["severity"] == s for p in problems) for s in ("error", "warning", "info")}
    assert by_sev["info"] and by_sev["error"], "the demo should have info and error problems"
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(server.url("/problems/"))
    rows = page.locator("tr.lk-problem")
    visible = lambda sev: page.locator(f'tr.lk-problem[data-severity="{sev}"]:visible').count()  # noqa: E731
    assert rows.count() == len(problems)
    assert visible("info") == 0
    assert visible("error") == by_sev["error"] and visible("warning") == by_sev["warning"]
    # One table per repo, every one with the same four columns at the same widths.
    repos = page.locator("section.lk-repo")
    assert repos.count() == page.locator(".lk-problem-table").count()
    heads = page.locator(".lk-problem-table:visible thead").evaluate_all(
        "hs => hs.map(h => [...h.querySelectorAll('th')].map(th => [th.textContent, Math.round(th.offsetWidth)]))")
    assert heads and all(h == heads[0] for h in heads), heads
    assert [t for t, _ in heads[0]] == ["Severity", "File:line", "Entity", "Message"]
    shoot(page, "problems", full_page=True)

    page.locator("#show-info").click()
    assert visible("info") == by_sev["info"]
    breaks = page.evaluate(WRAP_POINTS)
    assert all(pair[0] in "-_/.:" for pair in breaks), f"entity names wrapped inside a word: {breaks}"
    page.locator("#show-info").click()
    assert visible("info") == 0
