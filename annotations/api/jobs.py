"""Background jobs: progress for members of the job's project; retry and cancel for its admins."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import selectors
from annotations.api.serializers import (
    JobSerializer,
)
from annotations.selectors.jobs import job_get_for_admin
from annotations.services.job_control import job_cancel, job_retry


@extend_schema(tags=["jobs"])
class JobDetailApi(generics.RetrieveAPIView):
    """Progress of background work (pre-annotation, exports, releases, training)."""

    serializer_class = JobSerializer

    def get_object(self):
        return selectors.job_get_for_user(
            user=self.request.user, job_id=self.kwargs["job_id"]
        )


ACTION_RESPONSES = {
    200: JobSerializer,
    403: OpenApiResponse(description="Not an admin of the job's project"),
    404: OpenApiResponse(description="No such job (or not a member)"),
    409: OpenApiResponse(description="The job's state does not allow it"),
}


@extend_schema(tags=["jobs"], request=None, responses=ACTION_RESPONSES)
class JobRetryApi(APIView):
    """Send a failed, cancelled or stuck job again (admins); it resumes where it stopped."""

    def post(self, request, job_id):
        job = job_get_for_admin(user=request.user, job_id=job_id)
        return Response(JobSerializer(job_retry(job=job, user=request.user)).data)


@extend_schema(tags=["jobs"], request=None, responses=ACTION_RESPONSES)
class JobCancelApi(APIView):
    """Cancel a job (admins): a queued one at once, a running one at its next chunk."""

    def post(self, request, job_id):
        job = job_get_for_admin(user=request.user, job_id=job_id)
        return Response(JobSerializer(job_cancel(job=job, user=request.user)).data)
