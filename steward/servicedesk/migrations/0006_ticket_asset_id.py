from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('servicedesk', '0005_reports_ticket_children_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='ticket',
            name='asset_id',
            field=models.PositiveBigIntegerField(blank=True, help_text='The asset (assets app) this ticket reports a problem with or repairs.', null=True, verbose_name='asset'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['asset_id', 'created_at'], name='ticket_asset'),
        ),
    ]
