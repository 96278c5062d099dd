"""Background work of accounts: the part of a login-code request that depends on the username."""

from django_tasks import task

from crewdesk.accounts.login import login_code_send


@task()
def login_code_send_task(username: str, address: str | None, binding: str) -> str:
    return login_code_send(username=username, address=address, binding=binding)
