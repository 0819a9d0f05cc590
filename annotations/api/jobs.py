"""Background jobs: progress for members of the job's project."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics

from annotations import selectors
from annotations.api.serializers import (
    JobSerializer,
)


@extend_schema(tags=["jobs"])
class JobDetailApi(generics.RetrieveAPIView):
    """Progress of background work (pre-annotation, exports, releases, training)."""

    serializer_class = JobSerializer

    def get_object(self):
        return selectors.job_get_for_user(
            user=self.request.user, job_id=self.kwargs["job_id"]
        )
