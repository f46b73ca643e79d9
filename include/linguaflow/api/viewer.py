"""The result viewer: a server-rendered page per task, transcript and translations side by side
with timestamps, linked from the Airflow UI (an external view of each media DAG run)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from ..results.subtitles import timestamp

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
h1{font-size:1.3rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}td.t{white-space:nowrap;color:#57606a;font-variant-numeric:tabular-nums}
.flag{color:#9a6700}.failed{color:#cf222e}.meta{color:#57606a;margin:.2rem 0 1rem}
"""


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def _cell(entry: dict, lang: str, item_id: str, kind: str) -> str:
    """One text of one language; a flagged one is marked, with what is wrong as its title."""
    text = escape(entry[kind].get(item_id, ""))
    flags = entry.get("flags", {}).get(item_id)
    if flags:
        return f"<td lang='{escape(lang)}' class='flag' title='{escape(', '.join(flags))}'>⚑ {text}</td>"
    return f"<td lang='{escape(lang)}'>{text}</td>"


def task_page(doc: dict) -> str:
    """`doc` is the expanded result document."""
    source = doc.get("source_language")
    langs = [source] + sorted(lang for lang in doc["languages"] if lang != source)
    langs = [lang for lang in langs if lang in doc["languages"]]
    head = "".join(
        f"<th>{escape(lang)}{' (source)' if lang == source else ''}<br><small>{escape(str(doc['languages'][lang].get('model') or ''))}</small></th>"
        for lang in langs
    )
    rows = []
    for seg in doc["segments"]:
        cells = "".join(_cell(doc["languages"][lang], lang, seg["id"], "audio") for lang in langs)
        rows.append(f"<tr id='s{escape(seg['id'])}'><td class='t'>{timestamp(seg['start'], '.')} → {timestamp(seg['end'], '.')}</td>{cells}</tr>")
    items = sorted({i for lang in langs for i in doc["languages"][lang]["text"]})
    for item in items:
        cells = "".join(_cell(doc["languages"][lang], lang, item, "text") for lang in langs)
        rows.append(f"<tr><td class='t'>text: {escape(item)}</td>{cells}</tr>")
    failed = "".join(
        f"<p class='failed'>{escape(lang)} failed: {escape(e.get('error') or '')}</p>"
        for lang, e in doc["languages"].items() if e["status"] == "failed"
    )
    meta = (f"<p class='meta'>status <b>{escape(doc['status'])}</b> · media {escape(doc['media']['uri'])} · "
            f"{doc['media']['duration']:.1f} s · speech model {escape(str(doc['models'].get('asr')))}</p>")
    error = f"<p class='failed'>{escape(doc['error'])}</p>" if doc.get("error") else ""
    body = (f"<h1>Task {escape(doc['task_id'])}</h1>{meta}{error}{failed}{_delete_button(doc['task_id'])}"
            f"<table><thead><tr><th>time</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return _page(f"linguaflow {doc['task_id']}", body)


def _delete_button(task_id: str) -> str:
    """Delete the task (the task API's DELETE, with the UI's session), after a confirmation."""
    url = f"../tasks/{quote(task_id, safe='')}"
    return (f"<p><button id='delete' data-url='{escape(url)}'>Delete this task and its data</button> "
            "<span id='deleted' class='meta'></span></p><script>"
            "document.getElementById('delete').onclick=async e=>{"
            "if(!confirm('Delete this task, its transcript, translations and uploaded media everywhere?'))return;"
            "const r=await fetch(e.target.dataset.url,{method:'DELETE',credentials:'same-origin'});"
            "document.getElementById('deleted').textContent=r.ok?'deleted':'not deleted: '+r.status;"
            "if(r.ok)e.target.disabled=true};</script>")


def list_page(rows: list[dict]) -> str:
    items = "".join(
        f"<tr><td><a href='view/{escape(r['task_id'])}'>{escape(r['task_id'])}</a></td><td>{escape(r['status'])}</td>"
        f"<td>{escape(', '.join(f'{k} {v}' for k, v in sorted(r['languages'].items())))}</td>"
        f"<td>{escape(str(r.get('media') or ''))}</td><td class='t'>{escape(str(r.get('updated') or ''))}</td></tr>"
        for r in rows
    )
    return _page("linguaflow tasks", "<h1>Recent tasks</h1><table><thead><tr><th>task</th><th>status</th>"
                 f"<th>languages</th><th>media</th><th>updated</th></tr></thead><tbody>{items}</tbody></table>")
