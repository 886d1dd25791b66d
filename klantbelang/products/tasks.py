from django_tasks import task

from klantbelang.core.jobs import run_job

from .importing import parse_product_file
from .models import ProductImport


@task()
def apply_product_import(*, job_id: int, import_id: int) -> dict:
    """Write a confirmed product file; on any failure nothing is written and the import says so."""
    from .services import ImportRejected, import_products

    staged = ProductImport.objects.select_related("uploaded_by", "firm").get(pk=import_id)
    try:
        with run_job(job_id) as progress:
            with staged.file.open("rb") as handle:
                content = handle.read()
            result = parse_product_file(content, filename=staged.filename, file_format=staged.file_format,
                                        provider=staged.provider_name, category=staged.category or "investment_fund")
            if result.problems:
                raise ImportRejected(result.problems)
            progress.set_total(len(result.products))
            summary = import_products(firm=staged.firm, products=result.products, by=staged.uploaded_by,
                                      source=result.format,
                                      progress=lambda done, total: progress.advance(done, f"{done}/{total}"))
    except Exception as error:
        problems = [str(problem) for problem in getattr(error, "problems", [])] or [str(error)]
        ProductImport.objects.filter(pk=staged.pk).update(status=ProductImport.Status.FAILED, problems=problems)
        raise
    ProductImport.objects.filter(pk=staged.pk).update(status=ProductImport.Status.APPLIED,
                                                      summary={**staged.summary, **summary.as_dict()})
    return summary.as_dict()
