"""What an upload costs: CPU seconds and peak memory of upload requests sent by a crew member
and of the background thumbnails. Not a test: a measurement to read.

- crew_1: one 49-megapixel PNG of one colour (7000 × 7000, about 150 KB on the wire) from the
  phone page (issue 10 #8);
- office_20: twenty of them at once through the job page's form (the issue's killed worker);
- office_10: ten of them, as many files as one request may now send;
- phone_10: ten 48-megapixel phone JPEGs (8064 × 6048, 11 MB each), the heaviest honest use;
- webp_10: ten 6-megapixel noisy WebP pictures (the largest WebP the default cap allows), the
  costliest pictures per pixel, in time and memory;
- thumbnails: the background work for every picture the cases above stored.

    .venv/bin/python -m bench.upload_cost

Each case runs in its own process on a throwaway SQLite database with the demo data: CPU
seconds, and memory as the peak above the process's size when the request reached Django.
Background work is queued (CREWDESK_TASKS=db) and measured on its own, as the worker runs it.
Run from another checkout (cd there; PYTHONPATH=.) it measures that code."""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

# case → (file, count, page)
CASES = {
    "crew_1": ("49mp.png", 1, "crew"),
    "office_20": ("49mp.png", 20, "job"),
    "office_10": ("49mp.png", 10, "job"),
    "phone_10": ("48mp.jpg", 10, "job"),
    "webp_10": ("6mp.webp", 10, "job"),
    "thumbnails": (None, 0, None),
}


def _files(data_dir: str) -> None:
    """Made here, so that their pixels stay out of the measured processes."""
    from PIL import Image

    white = Image.new("RGB", (7000, 7000), "white")
    white.save(os.path.join(data_dir, "49mp.png"), "PNG")
    del white
    phone = Image.effect_noise((8064, 6048), 8).convert("RGB")
    phone.save(os.path.join(data_dir, "48mp.jpg"), "JPEG", quality=85)
    del phone
    noisy = Image.effect_noise((2900, 2150), 40).convert("RGB")
    noisy.save(os.path.join(data_dir, "6mp.webp"), "WEBP", quality=90)


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """CPU seconds and peak memory above the start, of what runs inside `with`. The kernel's
    peak (VmHWM) is reset at the start (Linux), so earlier peaks do not hide this one."""

    def __enter__(self):
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        self.rss, self.cpu, self.started = _status_mb("VmRSS"), _cpu(), time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu_s = round(_cpu() - self.cpu, 2)
        self.wall_s = round(time.monotonic() - self.started, 2)
        self.memory_mb = round(_status_mb("VmHWM") - self.rss)


def _case(name: str, data_dir: str) -> dict:
    os.environ.update(
        DEBUG="1",
        CREWDESK_DATA_DIR=data_dir,
        DATABASE_URL=f"sqlite:///{data_dir}/bench.sqlite3",
        CREWDESK_TASKS="db",
        DJANGO_SETTINGS_MODULE="crewdesk.settings",
    )
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from crewdesk.accounts.models import Membership
    from crewdesk.jobs.models import Job, JobAttachment

    crew = Membership.objects.select_related("user").get(user__username="crew")
    job = Job.objects.filter(assignments__membership=crew, status="pending").order_by("pk").first()
    file_name, count, page = CASES[name]
    result = {"case": name}

    if name == "thumbnails":
        from crewdesk.jobs.tasks import attachment_thumbnail

        ids = list(
            JobAttachment.objects.filter(is_image=True, name__startswith="f").values_list(
                "pk", flat=True
            )
        )
        result["pictures"] = len(ids)
        with Meter() as meter:
            for pk in ids:
                attachment_thumbnail.call(pk)
    else:
        with open(os.path.join(data_dir, file_name), "rb") as source:
            data = source.read()
        result["file_kb"] = round(len(data) / 1024)
        files = [SimpleUploadedFile(f"f{i}-{file_name}", data) for i in range(count)]
        stored_before = JobAttachment.objects.count()
        http = Client(SERVER_NAME="localhost")
        http.force_login(crew.user)
        if page == "crew":
            url = reverse("jobs:crew_upload", args=[job.pk])
            payload = {"kind": "before", "photo": files[0]}
        else:  # the job page's form takes several files, from any member who works the job
            url = reverse("jobs:attachment_upload", args=[job.pk])
            payload = {"kind": "before", "file": files}
        http.get(reverse("jobs:crew_home"))  # warm: templates, middleware
        # Measured from when the request reaches Django, as from a server: the test client's
        # own work of building the body is left out.
        handler, meter = http.handler, Meter()

        def measured(environ):
            with meter:
                return handler(environ)

        http.handler = measured
        response = http.post(url, payload)
        result["status"] = response.status_code
        result["stored"] = JobAttachment.objects.count() - stored_before
    result.update(cpu_s=meter.cpu_s, wall_s=meter.wall_s, memory_mb=meter.memory_mb)
    return result


def main() -> None:
    if len(sys.argv) == 3:
        print(json.dumps(_case(sys.argv[1], sys.argv[2])))
        return
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(
            os.environ,
            DEBUG="1",
            CREWDESK_DATA_DIR=data_dir,
            DATABASE_URL=f"sqlite:///{data_dir}/bench.sqlite3",
            CREWDESK_TASKS="db",
        )
        for command in (["migrate", "-v", "0"], ["seed_demo"]):
            subprocess.run(  # noqa: S603
                [sys.executable, "-m", "crewdesk.cli", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        _files(data_dir)
        for name in CASES:
            out = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "bench.upload_cost", name, data_dir],
                env=env,
                capture_output=True,
                text=True,
            )
            if out.returncode:
                print(name, "failed:", out.stderr[-2000:])
                continue
            print(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
