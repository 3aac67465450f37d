from django.contrib import admin

from techtransfer.audit.admin_mixins import AuditedAdminMixin
from techtransfer.jobs.models import Job, WorkerHeartbeat


@admin.register(Job)
class JobAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "status", "percentage", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = ("log", "error_detail", "result", "params")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen")
