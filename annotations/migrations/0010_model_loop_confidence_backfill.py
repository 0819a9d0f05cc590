"""Fill Prediction.confidence for predictions stored before the field existed."""

from django.db import migrations


def backfill(apps, schema_editor):
    from annotations.prediction_confidence import prediction_confidence

    Prediction = apps.get_model("annotations", "Prediction")
    batch = []
    rows = Prediction.objects.filter(confidence__isnull=True).only("spans", "labels")
    for prediction in rows.iterator(chunk_size=2000):
        prediction.confidence = prediction_confidence(
            prediction.spans or [], prediction.labels or {}
        )
        batch.append(prediction)
        if len(batch) >= 2000:
            Prediction.objects.bulk_update(batch, ["confidence"])
            batch = []
    if batch:
        Prediction.objects.bulk_update(batch, ["confidence"])


class Migration(migrations.Migration):
    dependencies = [("annotations", "0010_model_loop")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
