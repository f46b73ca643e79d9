"""The result viewer: a server-rendered page per task, transcript and translations side by side
with timestamps, linked from the Airflow UI (an external view of each media DAG run)."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from ..results import formats
from . import form
from ..results.document import ENDED
from ..results.readable import language_name, mean_quality, media_warning, redaction_summary, state_name
from ..results.subtitles import speaker_name, timestamp
from .media import is_video

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
h1{font-size:1.3rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}td.t{white-space:nowrap;color:#57606a;font-variant-numeric:tabular-nums}
.flag{color:#9a6700}.failed{color:#cf222e}.meta{color:#57606a;margin:.2rem 0 1rem}
.player{position:sticky;top:0;background:#fff;padding:.4rem 0;z-index:2}.player audio,.player video{width:100%;max-height:40vh}
.drop{display:block;border:2px dashed #8c959f;border-radius:8px;padding:2rem;text-align:center;cursor:pointer}
.drop.over{background:#ddf4ff;border-color:#0969da}label{margin-right:1rem}tr.seg{cursor:pointer}tr.seg:hover{background:#f6f8fa}tr.seg.now{background:#fff8c5;box-shadow:inset 4px 0 #bf8700}th{top:3.6rem}
small.spoken{color:#57606a;border:1px solid #d0d7de;border-radius:4px;padding:0 .25rem}td.who{white-space:nowrap;font-weight:600}td.s1{color:#0969da}td.s2{color:#8250df}td.s3{color:#1a7f37}td.s4{color:#bc4c00}
"""


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def _cell(entry: dict, lang: str, item_id: str, kind: str, spoken_in: str | None = None) -> str:
    """One text of one language; a flagged one is marked, with what is wrong as its title; a
    segment spoken in another language than the task's is marked with it."""
    text = escape(entry[kind].get(item_id, ""))
    if spoken_in:
        text = f"<small class='spoken'>{escape(language_name(spoken_in))}</small> {text}"
    quality = entry.get("quality", {}).get(item_id)
    estimate = f"quality estimate {quality:.2f}" if quality is not None else ""
    flags = entry.get("flags", {}).get(item_id)
    if flags:
        why = ", ".join(flags) + (f": {entry['reasons'][item_id]}" if entry.get("reasons", {}).get(item_id) else "")
        why += f" ({estimate})" if estimate and "low_quality" not in flags else ""
        return f"<td lang='{escape(lang)}' class='flag' title='{escape(why)}'>⚑ {text}</td>"
    if estimate:
        return f"<td lang='{escape(lang)}' title='{escape(estimate)}'>{text}</td>"
    return f"<td lang='{escape(lang)}'>{text}</td>"


def _flagged_share(entry: dict) -> str:
    """ " · 2 of 14 flagged · quality 0.61" for a language with flagged items or estimates."""
    flagged = len(entry.get("flags") or {})
    total = len(entry.get("audio") or {}) + len(entry.get("text") or {})
    mean = mean_quality(entry)
    return (f" · {flagged} of {total} flagged" if flagged else "") + (f" · quality {mean:.2f}" if mean is not None else "")


def task_page(doc: dict) -> str:
    """`doc` is the expanded result document. The media plays above the table; the segment being
    heard is highlighted, a click on a row seeks there."""
    source = doc.get("source_language")
    langs = [source] + sorted(lang for lang in doc["languages"] if lang != source)
    langs = [lang for lang in langs if lang in doc["languages"]]
    tid = quote(doc["task_id"], safe="")
    head = "".join(
        f"<th lang='en'>{escape(language_name(lang))}{' (spoken)' if lang == source else ''}"
        f"<br><small>{escape(state_name(doc['languages'][lang]['status']))}{_flagged_share(doc['languages'][lang])} · "
        f"{escape(str(doc['languages'][lang].get('model') or ''))}</small>"
        f"<br><small>{_downloads(tid, lang)}</small></th>"
        for lang in langs
    )
    speakers = any(seg.get("speaker") for seg in doc["segments"])
    if speakers:
        head = f"<th>speaker</th>{head}"
    rows = []
    for seg in doc["segments"]:
        cells = "".join(_cell(doc["languages"][lang], seg.get("language") or lang if lang == source else lang, seg["id"], "audio",
                              spoken_in=seg.get("language") if lang == source else None) for lang in langs)
        if speakers:
            who = seg.get("speaker")
            cells = f"<td class='who s{who or 0}'>{escape(speaker_name(who, doc.get('speaker_names'))) if who else ''}</td>{cells}"
        rows.append(f"<tr id='s{escape(seg['id'])}' class='seg' data-start='{seg['start']}' data-end='{seg['end']}'>"
                    f"<td class='t'>{timestamp(seg['start'], '.')} → {timestamp(seg['end'], '.')}</td>{cells}</tr>")
    items = sorted({i for lang in langs for i in doc["languages"][lang]["text"]})
    for item in items:
        cells = "".join(_cell(doc["languages"][lang], lang, item, "text") for lang in langs)
        rows.append(f"<tr><td class='t'>text: {escape(item)}</td>{'<td></td>' if speakers else ''}{cells}</tr>")
    failed = "".join(
        f"<p class='failed'>{escape(language_name(lang))} failed: {escape(e.get('error') or '')}</p>"
        for lang, e in doc["languages"].items() if e["status"] == "failed"
    )
    meta = (f"<p class='meta'>status <b>{escape(state_name(doc['status']))}</b> · media {escape(doc['media']['uri'])} · "
            f"{doc['media']['duration']:.1f} s · speech model {escape(str(doc['models'].get('asr')))}</p>")
    error = f"<p class='failed'>{escape(doc['error'])}</p>" if doc.get("error") else ""
    if doc["media"].get("warnings"):
        error += f"<p class='flag' id='media-warning'>⚑ {escape(media_warning(doc['media']))}</p>"
    if doc.get("redaction"):
        meta += f"<p class='meta' id='redaction'>{escape(redaction_summary(doc['redaction']))}</p>"
    live = "" if doc["status"] in ENDED else _live(tid)
    body = (f"<h1>Task {escape(doc['task_id'])}</h1>{meta}{live}{error}{failed}{_player(tid, doc['media']['uri'], bool((doc.get('redaction') or {}).get('audio')))}"
            f"{_delete_button(doc['task_id'])}"
            f"<table><thead><tr><th>time</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{FOLLOW}")
    return _page(f"linguaflow {doc['task_id']}", body)


def _live(tid: str) -> str:
    """While the task runs: its state, steps and languages every 2 s; the page reloads when it ends."""
    return (f"<p id='live' class='meta' data-url='../tasks/{tid}'>waiting for the run…</p><script>"
            "(async function poll(){const el=document.getElementById('live');"
            "try{const r=await fetch(el.dataset.url,{credentials:'same-origin'});const s=await r.json();"
            "const steps=s.steps||[],done=steps.filter(x=>x.state==='success'||x.state==='skipped').length;"
            "const langs=Object.entries(s.languages||{}).map(([k,v])=>k+' '+v.replace(/_/g,' ')).join(', ');"
            "el.textContent=`${s.state.replace(/_/g,' ')} · steps ${done}/${steps.length}`+(langs?` · ${langs}`:'');"
            f"if({json.dumps(sorted(ENDED))}.includes(s.state)){{location.reload();return;}}}}catch(e){{}}"
            "setTimeout(poll,2000);})();</script>")


def new_task_page(languages: list[tuple[str, str]]) -> str:
    """Drop a media file, pick the languages, create the task (the task API's upload, with the
    UI's session) and land on its viewer, which follows the run. Every request field is on the
    page (`api.form`): the languages as lists to pick from, the rest by their type."""
    options = "".join(f"<option value='{escape(code)}'>{escape(name)} ({escape(code)})</option>" for code, name in languages)
    fields = {f.name: f for f in form.fields()}
    rest = "\n".join(f"<p>{_form_input(f)}</p>" for name, f in fields.items()
                      if name not in ("target_languages", "source_language"))
    body = f"""<h1>New transcription</h1>
<form id='new'>
<label id='drop' class='drop'>Drop an audio or video file here, or choose one
 <input id='file' name='file' type='file' accept='audio/*,video/*' required></label>
<p id='chosen' class='meta'></p>
<p><label>{escape(fields["target_languages"].title)} <select id='targets' name='targets' multiple size='8'>{options}</select></label>
<span class='meta'>Ctrl/Cmd-click for several; none: the transcript only</span></p>
<p><label>{escape(fields["source_language"].title)} <select name='source_language'><option value='auto'>detect</option>{options}</select></label></p>
{rest}
<p><button id='create' type='submit'>Create task</button> <span id='error' class='failed'></span></p>
</form>
<script>
const form=document.getElementById('new'),file=document.getElementById('file'),drop=document.getElementById('drop');
const show=()=>document.getElementById('chosen').textContent=file.files.length?file.files[0].name+' ('+file.files[0].size+' bytes)':'';
file.addEventListener('change',show);
['dragover','dragenter'].forEach(e=>drop.addEventListener(e,ev=>{{ev.preventDefault();drop.classList.add('over');}}));
drop.addEventListener('dragleave',()=>drop.classList.remove('over'));
drop.addEventListener('drop',ev=>{{ev.preventDefault();drop.classList.remove('over');file.files=ev.dataTransfer.files;show();}});
form.addEventListener('submit',async ev=>{{ev.preventDefault();
 const data=new FormData(form);data.delete('targets');
 data.set('target_languages',[...document.getElementById('targets').selectedOptions].map(o=>o.value).join(','));
 for(const [k,v] of [...data.entries()])if(v===''&&k!=='target_languages')data.delete(k);
 document.getElementById('create').disabled=true;
 const r=await fetch('tasks/upload',{{method:'POST',body:data,credentials:'same-origin',headers:{{'X-Linguaflow-UI':'1'}}}});
 const answer=await r.json().catch(()=>({{}}));
 if(r.status===201){{location.href='view/'+encodeURIComponent(answer.task_id);return;}}
 document.getElementById('error').textContent='not created: '+(answer.detail?JSON.stringify(answer.detail):r.status);
 document.getElementById('create').disabled=false;}});
</script>"""
    return _page("linguaflow: new task", body)


def _form_input(f) -> str:
    """One request field as a labelled input of its type, its description as the hint."""
    title, hint, name = escape(f.title), escape(f.description, quote=True), escape(f.name, quote=True)
    if f.kind == "bool":
        checked = " checked" if f.default else ""
        return f"<label title='{hint}'><input type='checkbox' name='{name}' value='true'{checked}> {title}</label>"
    if f.kind == "choice":
        opts = "".join(f"<option{' selected' if c == f.default else ''}>{escape(c)}</option>" for c in f.choices)
        return f"<label title='{hint}'>{title} <select name='{name}'>{opts}</select></label>"
    if f.kind == "int":
        return f"<label title='{hint}'>{title} <input name='{name}' type='number' size='4' placeholder='auto'></label>"
    value = f.default if isinstance(f.default, str) else ""
    placeholder = {"list": "comma separated", "json": "JSON object"}.get(f.kind, "")
    return (f"<label title='{hint}'>{title} <input name='{name}' value='{escape(value, quote=True)}' size='40' "
            f"placeholder='{placeholder}'></label> <span class='meta'>{escape(f.description)}</span>")


def _downloads(tid: str, lang: str) -> str:
    """A link per one-language format of the registry (the subtitles)."""
    return " ".join(
        f"<a href='../tasks/{tid}/result?format={quote(f.name)}&amp;lang={quote(lang)}' "
        f"download='{tid}.{escape(lang)}.{escape(f.suffix or f.name)}'>{escape(f.name.upper())}</a>"
        for f in formats.all_formats() if f.one_language)


def _player(tid: str, uri: str, redacted: bool = False) -> str:
    """HTML5 audio or video over the task API's media route (byte ranges, so seeking is cheap); a
    redacted task's route serves its bleeped audio, so an audio player."""
    tag = "video" if is_video(uri) and not redacted else "audio"
    return f"<div class='player'><{tag} id='player' controls preload='metadata' src='../tasks/{tid}/media'></{tag}></div>"


# the segment being heard is highlighted and kept in view; a click on a segment seeks to it
FOLLOW = """<script>
const player=document.getElementById('player'), segs=[...document.querySelectorAll('tr.seg')];
let now=null;
function follow(){const t=player.currentTime;
 const hit=segs.find(r=>t>=+r.dataset.start&&t<+r.dataset.end)||null;
 if(hit===now)return; if(now)now.classList.remove('now'); now=hit;
 if(hit){hit.classList.add('now');hit.scrollIntoView({block:'nearest'});}}
player.addEventListener('timeupdate',follow);player.addEventListener('seeked',follow);
segs.forEach(r=>r.addEventListener('click',()=>{player.currentTime=+r.dataset.start;player.play().catch(()=>{});}));
</script>"""


def _delete_button(task_id: str) -> str:
    """Delete the task (the task API's DELETE, with the UI's session), after a confirmation."""
    url = f"../tasks/{quote(task_id, safe='')}"
    return (f"<p><button id='delete' data-url='{escape(url)}'>Delete this task and its data</button> "
            "<span id='deleted' class='meta'></span></p><script>"
            "document.getElementById('delete').onclick=async e=>{"
            "if(!confirm('Delete this task, its transcript, translations and uploaded media everywhere?'))return;"
            "const r=await fetch(e.target.dataset.url,{method:'DELETE',credentials:'same-origin',headers:{'X-Linguaflow-UI':'1'}});"
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
