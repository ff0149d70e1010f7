"""Field: the account's field definitions (getFields), standard and custom."""

from .build import blob, choice, flag, integer, record_id, text
from .model import Entity, Method, Methods

RELATIONSHIPS = ("lead", "account", "opportunity", "campaign")

FIELD = Entity(
    key="field",
    label="Field",
    plural="Fields",
    methods=Methods(
        list=Method("getFields", "field"),
        create="createFields",
        update="updateFields",
        delete="deleteFields",
        where_keys=("id", "label", "systemName", "isCustom", "relationship"),
    ),
    fields=(
        record_id(),
        choice("relationship", "Belongs to", RELATIONSHIPS, required=True),
        text("systemName", "System name", read_only=True),
        text("label", "Label", required=True, searchable=True),
        text("source", "Source"),
        text("dataType", "Data type", required=True),
        integer("dataLength", "Length"),
        flag("isRequired", "Required"),
        flag("isCustom", "Custom"),
        flag("isActive", "Active"),
        flag("isAvailableInContactManager", "In contact manager"),
        flag("isEditableInContactManager", "Editable in contact manager"),
        flag("isAvailableInForms", "In forms"),
        blob("options", "Options"),
    ),
    name_fields=("label",),
    columns=("id", "relationship", "label", "systemName", "dataType", "isCustom"),
    delete_key="systemName",
)
