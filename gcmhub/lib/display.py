"""Values a page shows beside a model instance's fields (its URL, a status label, the language of
a text), worked out once per request in the view and read by the template as attributes."""


def show(obj: object, **values: object) -> None:
    """Set `values` as attributes of `obj` for its template. The model declares none of them (they
    exist only on instances a view prepared), so they are set here rather than typed on the model."""
    vars(obj).update(values)
